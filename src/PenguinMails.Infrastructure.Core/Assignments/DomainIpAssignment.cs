namespace PenguinMails.Infrastructure.Core.Assignments;

/// <summary>
/// A row of <c>domain_ip_assignments</c>: a domain of the host platform sending through one SMTP IP, with the
/// assignment's status and the domain's warmup progress on that IP. An immutable snapshot; change it with <c>with</c>
/// (or <see cref="DomainIpAssignmentLifecycle.Apply"/> and <see cref="WarmupStateLifecycle.Apply"/>) and write it
/// through a repository.
/// </summary>
public sealed record DomainIpAssignment : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "domain_ip_assignments";

    /// <summary><c>id</c>.</summary>
    public DomainIpAssignmentId Id { get; init; } = DomainIpAssignmentId.New();

    /// <summary>
    /// <c>domain_id</c>: the domain (deleting it deletes the assignment). Nullable in the seed, so a row read from the
    /// database may lack it; <see cref="Validate"/> requires it for every write.
    /// </summary>
    public DomainId? DomainId { get; init; }

    /// <summary>
    /// <c>smtp_ip_address_id</c>: the IP (deleting it deletes the assignment). Nullable in the seed, so a row read
    /// from the database may lack it; <see cref="Validate"/> requires it for every write.
    /// </summary>
    public SmtpIpAddressId? SmtpIpAddressId { get; init; }

    /// <summary><c>status</c>; a new assignment starts in <see cref="DomainIpAssignmentStatus.Scheduled"/>.</summary>
    public DomainIpAssignmentStatus Status { get; init; } = DomainIpAssignmentLifecycle.Definition.Initial;

    /// <summary>
    /// <c>assigned</c> DEFAULT NOW(), UTC: when the assignment was made. Left at the default value on a new
    /// assignment, the store sets it to the current time on insert.
    /// </summary>
    public DateTimeOffset Assigned { get; init; }

    /// <summary><c>expires</c>, UTC: when the assignment ends (for IP rotation); null when open-ended. After <see cref="Assigned"/>.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>
    /// <c>warmup_state</c>: the domain's warmup progress on the IP. The seed column has no default and allows NULL;
    /// the entity makes it non-nullable with <see cref="WarmupState.Unwarmed"/> as the default, a NULL read from the
    /// database is read as <see cref="WarmupState.Unwarmed"/> (no warmup recorded), and the library always writes a
    /// value.
    /// </summary>
    public WarmupState WarmupState { get; init; } = WarmupStateLifecycle.Definition.Initial;

    /// <summary><c>last_sent</c>, UTC: when the domain last sent through the IP; null when it never has.</summary>
    public DateTimeOffset? LastSent { get; init; }

    /// <summary><c>created</c>, UTC; set by the store on insert.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary><c>updated</c>, UTC; set by the store on every write.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <summary>Whether the assignment is in force at <paramref name="at"/>: active or warming, and not past <see cref="Expires"/>.</summary>
    /// <param name="at">The instant.</param>
    public bool IsInForceAt(DateTimeOffset at) =>
        Status is DomainIpAssignmentStatus.Active or DomainIpAssignmentStatus.Warming && (Expires is null || at < Expires);

    /// <inheritdoc />
    /// <remarks>
    /// <c>domain_id</c> and <c>smtp_ip_address_id</c> are required (an assignment without a domain or an IP means
    /// nothing). <see cref="Assigned"/>, <see cref="Created"/> and <see cref="Updated"/> are checked only when set (not
    /// the default value), since the store sets them.
    /// </remarks>
    public IReadOnlyList<FieldError> Validate()
    {
        var rules = new FieldRules()
            .NotEmpty("id", Id.Value)
            .RequiredId("domain_id", DomainId?.Value)
            .RequiredId("smtp_ip_address_id", SmtpIpAddressId?.Value)
            .Defined("status", Status, DomainIpAssignmentStatusExtensions.Map)
            .UtcIfSet("assigned", Assigned)
            .Utc("expires", Expires)
            .Defined("warmup_state", WarmupState, WarmupStateExtensions.Map)
            .Utc("last_sent", LastSent)
            .UtcIfSet("created", Created)
            .UtcIfSet("updated", Updated);
        if (Assigned != default && Expires is { } expires && expires != default && expires <= Assigned)
        {
            rules.Add("expires", "after_assigned", "expires must be after assigned.");
        }

        return rules.Errors;
    }
}
