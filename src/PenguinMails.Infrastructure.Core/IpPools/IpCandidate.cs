namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// One IP as the allocation policy sees it: the IP's own columns, its VPS instance's region and status, and what the
/// requesting domain already holds.
/// </summary>
/// <param name="Id">The IP.</param>
/// <param name="VpsInstanceId">Its VPS instance, or null when not attached.</param>
/// <param name="Region">The VPS instance's <c>region</c>, or null.</param>
/// <param name="VpsStatus">The VPS instance's status, or null when the IP has no VPS.</param>
/// <param name="Status">The IP's status.</param>
/// <param name="ReputationState">The IP's reputation, or null before the first check.</param>
/// <param name="AssignedCount">The IP's <c>assigned_count</c>.</param>
/// <param name="HeldByDomain">Whether the domain already holds a non-expired assignment to this IP.</param>
/// <param name="DomainAssignmentsOnVps">The domain's non-expired assignments to IPs of the same VPS instance.</param>
/// <param name="DomainAssignmentsInRegion">The domain's non-expired assignments to IPs in the same region (0 when the region is unknown).</param>
public sealed record IpCandidate(
    SmtpIpAddressId Id,
    VpsInstanceId? VpsInstanceId,
    string? Region,
    VpsInstanceStatus? VpsStatus,
    SmtpIpAddressStatus Status,
    ReputationState? ReputationState,
    int AssignedCount,
    bool HeldByDomain,
    int DomainAssignmentsOnVps,
    int DomainAssignmentsInRegion
);
