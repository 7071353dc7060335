namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>Conversions of <see cref="SmtpIpAddressStatus"/> to and from its database strings.</summary>
public static class SmtpIpAddressStatusExtensions
{
    internal static readonly DbEnumMap<SmtpIpAddressStatus> Map = new(
        SmtpIpAddress.TableName,
        "status",
        (SmtpIpAddressStatus.Available, "available"),
        (SmtpIpAddressStatus.Assigned, "assigned"),
        (SmtpIpAddressStatus.Warming, "warming"),
        (SmtpIpAddressStatus.Warmed, "warmed"),
        (SmtpIpAddressStatus.Degraded, "degraded"),
        (SmtpIpAddressStatus.Burned, "burned"),
        (SmtpIpAddressStatus.Quarantined, "quarantined")
    );

    /// <summary>The database string, for example <c>quarantined</c>.</summary>
    /// <param name="status">The status.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined status.</exception>
    public static string ToDatabaseValue(this SmtpIpAddressStatus status) => Map.ToDb(status);
}
