namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>The <c>smtp_ip_addresses.status</c> values. See <see cref="SmtpIpAddressLifecycle"/> for the allowed moves.</summary>
public enum SmtpIpAddressStatus
{
    /// <summary><c>available</c>: ready for assignment to domains; the initial status.</summary>
    Available = 1,

    /// <summary><c>assigned</c>: currently allocated to a domain.</summary>
    Assigned = 2,

    /// <summary><c>warming</c>: building reputation through controlled sending.</summary>
    Warming = 3,

    /// <summary><c>warmed</c>: fully established reputation, ready for production volume.</summary>
    Warmed = 4,

    /// <summary><c>degraded</c>: reputation issues detected, reduced sending recommended.</summary>
    Degraded = 5,

    /// <summary><c>burned</c>: severely damaged reputation, not usable (terminal).</summary>
    Burned = 6,

    /// <summary><c>quarantined</c>: temporarily removed from rotation for investigation.</summary>
    Quarantined = 7,
}
