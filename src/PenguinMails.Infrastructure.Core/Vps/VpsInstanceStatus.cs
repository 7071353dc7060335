namespace PenguinMails.Infrastructure.Core.Vps;

/// <summary>The <c>vps_instances.status</c> values. See <see cref="VpsInstanceLifecycle"/> for the allowed moves.</summary>
public enum VpsInstanceStatus
{
    /// <summary><c>provisioning</c>: initial setup; the initial status.</summary>
    Provisioning = 1,

    /// <summary><c>active</c>: operational.</summary>
    Active = 2,

    /// <summary><c>scheduled_decommission</c>: a replacement is planned; <c>decommission_scheduled_for</c> is set.</summary>
    ScheduledDecommission = 3,

    /// <summary><c>decommissioned</c>: retired (terminal).</summary>
    Decommissioned = 4,
}
