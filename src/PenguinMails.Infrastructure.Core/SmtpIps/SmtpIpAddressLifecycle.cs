namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>
/// The lifecycle of <c>smtp_ip_addresses.status</c>:
/// available → assigned | warming | quarantined | burned;
/// assigned → available | warming | warmed | degraded | quarantined | burned;
/// warming → warmed | degraded | quarantined | burned;
/// warmed → assigned | degraded | quarantined | burned;
/// degraded → warming | warmed | quarantined | burned;
/// quarantined → available | warming | burned; burned is terminal.
/// </summary>
public static class SmtpIpAddressLifecycle
{
    /// <summary>The transition table.</summary>
    public static Lifecycle<SmtpIpAddressStatus> Definition { get; } = new(
        nameof(SmtpIpAddress),
        SmtpIpAddressStatus.Available,
        SmtpIpAddressStatusExtensions.Map,
        (
            SmtpIpAddressStatus.Available,
            [SmtpIpAddressStatus.Assigned, SmtpIpAddressStatus.Warming, SmtpIpAddressStatus.Quarantined, SmtpIpAddressStatus.Burned]
        ),
        (
            SmtpIpAddressStatus.Assigned,
            [
                SmtpIpAddressStatus.Available,
                SmtpIpAddressStatus.Warming,
                SmtpIpAddressStatus.Warmed,
                SmtpIpAddressStatus.Degraded,
                SmtpIpAddressStatus.Quarantined,
                SmtpIpAddressStatus.Burned,
            ]
        ),
        (
            SmtpIpAddressStatus.Warming,
            [SmtpIpAddressStatus.Warmed, SmtpIpAddressStatus.Degraded, SmtpIpAddressStatus.Quarantined, SmtpIpAddressStatus.Burned]
        ),
        (
            SmtpIpAddressStatus.Warmed,
            [SmtpIpAddressStatus.Assigned, SmtpIpAddressStatus.Degraded, SmtpIpAddressStatus.Quarantined, SmtpIpAddressStatus.Burned]
        ),
        (
            SmtpIpAddressStatus.Degraded,
            [SmtpIpAddressStatus.Warming, SmtpIpAddressStatus.Warmed, SmtpIpAddressStatus.Quarantined, SmtpIpAddressStatus.Burned]
        ),
        (SmtpIpAddressStatus.Quarantined, [SmtpIpAddressStatus.Available, SmtpIpAddressStatus.Warming, SmtpIpAddressStatus.Burned]),
        (SmtpIpAddressStatus.Burned, [])
    );

    /// <summary>
    /// Whether an IP in <paramref name="status"/> may be given to a domain: <c>available</c>, <c>assigned</c>,
    /// <c>warming</c> and <c>warmed</c>. Degraded, quarantined and burned IPs are not assignable.
    /// </summary>
    /// <param name="status">The status of the IP.</param>
    public static bool IsAssignable(SmtpIpAddressStatus status) =>
        status is SmtpIpAddressStatus.Available
            or SmtpIpAddressStatus.Assigned
            or SmtpIpAddressStatus.Warming
            or SmtpIpAddressStatus.Warmed;

    /// <summary>
    /// Applies a status change to a snapshot, without writing anything: checks the move against
    /// <see cref="Definition"/>, sets <see cref="SmtpIpAddress.Status"/> and makes <see cref="SmtpIpAddress.Updated"/>
    /// <paramref name="now"/> (in UTC). No other column changes: <c>assigned_count</c> is kept by the assignment
    /// store, the reputation columns by the reputation check.
    /// </summary>
    /// <param name="ip">The current snapshot.</param>
    /// <param name="to">The requested status.</param>
    /// <param name="now">The current time (from a <see cref="TimeProvider"/>).</param>
    /// <returns>The snapshot after the change.</returns>
    /// <exception cref="InvalidStatusTransitionException">The move is not allowed.</exception>
    public static SmtpIpAddress Apply(SmtpIpAddress ip, SmtpIpAddressStatus to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ip);
        Definition.EnsureCanTransition(ip.Id.ToString(), ip.Status, to);
        return ip with { Status = to, Updated = now.ToUniversalTime() };
    }
}
