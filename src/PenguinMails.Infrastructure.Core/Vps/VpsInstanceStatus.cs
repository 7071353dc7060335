using PenguinMails.Infrastructure.Core.Internal;

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

/// <summary>Conversions of <see cref="VpsInstanceStatus"/> to and from its database strings.</summary>
public static class VpsInstanceStatusExtensions
{
    internal static readonly DbEnumMap<VpsInstanceStatus> Map = new(
        "vps_instances",
        "status",
        (VpsInstanceStatus.Active, "active"),
        (VpsInstanceStatus.Provisioning, "provisioning"),
        (VpsInstanceStatus.ScheduledDecommission, "scheduled_decommission"),
        (VpsInstanceStatus.Decommissioned, "decommissioned")
    );

    /// <summary>The database string, for example <c>scheduled_decommission</c>.</summary>
    /// <param name="status">The status.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined status.</exception>
    public static string ToDatabaseValue(this VpsInstanceStatus status) => Map.ToDb(status);
}
