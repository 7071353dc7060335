namespace PenguinMails.Infrastructure.Core.Vps;

/// <summary>
/// The lifecycle of <c>vps_instances.status</c>:
/// provisioning → active | decommissioned; active → scheduled_decommission;
/// scheduled_decommission → active | decommissioned; decommissioned is terminal.
/// </summary>
public static class VpsInstanceLifecycle
{
    /// <summary>The transition table.</summary>
    public static Lifecycle<VpsInstanceStatus> Definition { get; } = new(
        nameof(VpsInstance),
        VpsInstanceStatus.Provisioning,
        VpsInstanceStatusExtensions.Map,
        (VpsInstanceStatus.Provisioning, [VpsInstanceStatus.Active, VpsInstanceStatus.Decommissioned]),
        (VpsInstanceStatus.Active, [VpsInstanceStatus.ScheduledDecommission]),
        (VpsInstanceStatus.ScheduledDecommission, [VpsInstanceStatus.Active, VpsInstanceStatus.Decommissioned]),
        (VpsInstanceStatus.Decommissioned, [])
    );

    /// <summary>
    /// Applies a status change and its side rules to a snapshot, without writing anything: entering
    /// <c>scheduled_decommission</c> sets <see cref="VpsInstance.DecommissionScheduledFor"/> (to
    /// <paramref name="decommissionAt"/>, else the end of the current billing period); returning to <c>active</c>
    /// clears it; <see cref="VpsInstance.Updated"/> becomes <paramref name="now"/>.
    /// </summary>
    /// <param name="vps">The current snapshot.</param>
    /// <param name="to">The requested status.</param>
    /// <param name="now">The current time (from a <see cref="TimeProvider"/>).</param>
    /// <param name="decommissionAt">When entering <c>scheduled_decommission</c>: the decommission time, UTC, not in the past.</param>
    /// <returns>The snapshot after the change.</returns>
    /// <exception cref="InvalidStatusTransitionException">The move is not allowed.</exception>
    /// <exception cref="EntityValidationException">No decommission time can be found, or it is in the past.</exception>
    public static VpsInstance Apply(VpsInstance vps, VpsInstanceStatus to, DateTimeOffset now, DateTimeOffset? decommissionAt = null)
    {
        ArgumentNullException.ThrowIfNull(vps);
        Definition.EnsureCanTransition(vps.Id.ToString(), vps.Status, to);
        var utcNow = now.ToUniversalTime();
        switch (to)
        {
            case VpsInstanceStatus.ScheduledDecommission:
                var at = decommissionAt?.ToUniversalTime() ?? DefaultDecommissionTime(vps, utcNow);
                if (at is null)
                {
                    throw new EntityValidationException(
                        nameof(VpsInstance),
                        [new FieldError("decommission_scheduled_for", "required", "decommission_scheduled_for is required: give a time, or set hostwinds_billing_day or current_billing_period_end so the end of the billing period can be used.")]
                    );
                }

                if (at < utcNow)
                {
                    throw new EntityValidationException(
                        nameof(VpsInstance),
                        [new FieldError("decommission_scheduled_for", "not_past", "decommission_scheduled_for must not be in the past.")]
                    );
                }

                return vps with { Status = to, DecommissionScheduledFor = at, Updated = utcNow };
            case VpsInstanceStatus.Active:
                return vps with { Status = to, DecommissionScheduledFor = null, Updated = utcNow };
            default:
                return vps with { Status = to, Updated = utcNow };
        }
    }

    /// <summary>
    /// The default decommission time: the end of the current billing period, from <see cref="VpsInstance.CurrentBillingPeriodEnd"/>
    /// when it is still ahead, else computed from <see cref="VpsInstance.HostwindsBillingDay"/>; null when neither is known.
    /// </summary>
    /// <param name="vps">The instance.</param>
    /// <param name="now">The current time.</param>
    public static DateTimeOffset? DefaultDecommissionTime(VpsInstance vps, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(vps);
        if (vps.CurrentBillingPeriodEnd is { } end && end > now)
        {
            return end.ToUniversalTime();
        }

        return vps.BillingPeriodAt(now)?.End;
    }
}
