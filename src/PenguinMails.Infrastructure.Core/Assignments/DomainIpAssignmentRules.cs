namespace PenguinMails.Infrastructure.Core.Assignments;

/// <summary>Checks and conventions shared by every store for domain-IP assignments.</summary>
internal static class DomainIpAssignmentRules
{
    /// <summary>The key a second assignment that is not expired for the same domain and IP breaks.</summary>
    public const string DomainIpKey = "domain_id, smtp_ip_address_id";

    /// <summary>The key the PostgreSQL error translator derives from the partial unique index name.</summary>
    public const string DomainIpIndexColumns = "domain_id_smtp_ip_address_id";

    /// <summary>
    /// The row as it will be inserted (times truncated to microseconds, <c>assigned</c> defaulted to now, created and
    /// updated now), after validating it: every field rule, and both states must be the initial ones.
    /// </summary>
    public static DomainIpAssignment PrepareInsert(DomainIpAssignment assignment, DateTimeOffset now)
    {
        var stored = assignment with
        {
            Assigned = assignment.Assigned == default ? now : StoreClock.Truncate(assignment.Assigned),
            Expires = StoreClock.Truncate(assignment.Expires),
            LastSent = StoreClock.Truncate(assignment.LastSent),
            Created = now,
            Updated = now,
        };
        var errors = new List<FieldError>(assignment.Validate());
        if (errors.Count == 0)
        {
            // The defaulted assigned time can still break "expires after assigned".
            errors.AddRange(stored.Validate());
        }

        if (assignment.Status != DomainIpAssignmentLifecycle.Definition.Initial && DomainIpAssignmentStatusExtensions.Map.IsDefined(assignment.Status))
        {
            errors.Add(
                new FieldError(
                    "status",
                    "initial",
                    $"status of a new assignment must be '{DomainIpAssignmentLifecycle.Definition.NameOf(DomainIpAssignmentLifecycle.Definition.Initial)}'."
                )
            );
        }

        if (assignment.WarmupState != WarmupStateLifecycle.Definition.Initial && WarmupStateExtensions.Map.IsDefined(assignment.WarmupState))
        {
            errors.Add(
                new FieldError(
                    "warmup_state",
                    "initial",
                    $"warmup_state of a new assignment must be '{WarmupStateLifecycle.Definition.NameOf(WarmupStateLifecycle.Definition.Initial)}'."
                )
            );
        }

        return errors.Count > 0 ? throw new EntityValidationException(nameof(DomainIpAssignment), errors) : stored;
    }

    /// <summary>The conflict of a write whose expected status, warmup state or <c>updated</c> no longer held.</summary>
    public static ConcurrencyConflictException Conflict(DomainIpAssignment expected, DomainIpAssignment actual, string? reason, bool warmupOnly = false)
    {
        var id = expected.Id.ToString();
        if (!warmupOnly && actual.Status != expected.Status)
        {
            return new(nameof(DomainIpAssignment), id, $"expected status '{expected.Status.ToDatabaseValue()}' but found '{actual.Status.ToDatabaseValue()}'");
        }

        return actual.WarmupState != expected.WarmupState
            ? new(
                nameof(DomainIpAssignment),
                id,
                $"expected warmup_state '{expected.WarmupState.ToDatabaseValue()}' but found '{actual.WarmupState.ToDatabaseValue()}'"
            )
            : new(nameof(DomainIpAssignment), id, reason ?? "it was updated since it was read");
    }
}
