namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>Filters for listing and counting SMTP IPs; null members do not filter.</summary>
/// <param name="VpsInstanceId">Only IPs of this VPS instance.</param>
/// <param name="Status">Only IPs in this status.</param>
/// <param name="ReputationState">Only IPs with this reputation state.</param>
public sealed record SmtpIpAddressFilter(
    VpsInstanceId? VpsInstanceId = null,
    SmtpIpAddressStatus? Status = null,
    ReputationState? ReputationState = null
);
