namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>One assignment on the decommissioning VPS instance and where the plan moves it.</summary>
/// <param name="AssignmentId">The non-expired assignment to move.</param>
/// <param name="DomainId">Its domain.</param>
/// <param name="FromIpId">Its IP, on the decommissioning instance.</param>
/// <param name="TargetIpId">The IP on another instance the plan chose, or null when unplaceable.</param>
/// <param name="TargetVpsInstanceId">The target IP's instance, or null.</param>
/// <param name="UnplaceableReason">Why no IP fits, when <paramref name="TargetIpId"/> is null.</param>
/// <param name="UnplaceableDetail">The explanation (what the pool turned away), when unplaceable.</param>
public sealed record DecommissionPlanStep(
    DomainIpAssignmentId AssignmentId,
    DomainId? DomainId,
    SmtpIpAddressId? FromIpId,
    SmtpIpAddressId? TargetIpId,
    VpsInstanceId? TargetVpsInstanceId,
    IpPoolExhaustionReason? UnplaceableReason = null,
    string? UnplaceableDetail = null
)
{
    /// <summary>Whether the plan found a target IP.</summary>
    public bool IsPlaceable => TargetIpId is not null;
}
