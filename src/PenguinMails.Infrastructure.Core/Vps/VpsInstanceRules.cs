namespace PenguinMails.Infrastructure.Core.Vps;

/// <summary>Checks shared by every store before a VPS instance is written.</summary>
internal static class VpsInstanceRules
{
    /// <summary>Validates a new instance: every field rule, and the status must be the lifecycle's initial one.</summary>
    public static void EnsureInsertable(VpsInstance vps)
    {
        var errors = new List<FieldError>(vps.Validate());
        if (vps.Status != VpsInstanceLifecycle.Definition.Initial && VpsInstanceStatusExtensions.Map.IsDefined(vps.Status))
        {
            errors.Add(new FieldError("status", "initial", $"status of a new instance must be '{VpsInstanceLifecycle.Definition.NameOf(VpsInstanceLifecycle.Definition.Initial)}'."));
        }

        if (errors.Count > 0)
        {
            throw new EntityValidationException(nameof(VpsInstance), errors);
        }
    }

    /// <summary>
    /// Whether a status change takes a value from the caller's snapshot: entering <c>scheduled_decommission</c> without
    /// a time uses the snapshot's billing period, so the compare-and-set must also check that the row has not changed
    /// since it was read (<c>updated</c>); otherwise a decommission time from a stale billing period could be stored.
    /// </summary>
    public static bool SideRuleReadsSnapshot(VpsInstanceStatus newStatus, DateTimeOffset? decommissionAt) =>
        newStatus == VpsInstanceStatus.ScheduledDecommission && decommissionAt is null;

    public const string StaleBillingReason =
        "it was updated since it was read, and the default decommission time depends on its billing period; read it again";
}
