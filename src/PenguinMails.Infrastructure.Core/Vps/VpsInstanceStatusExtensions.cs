namespace PenguinMails.Infrastructure.Core.Vps;

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
