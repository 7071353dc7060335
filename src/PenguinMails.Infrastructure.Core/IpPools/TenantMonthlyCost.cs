namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// The approximate monthly cost of one tenant (see <see cref="ITenantCostReport"/> for the rules). Amounts are in the
/// currency of the cost columns, with exactly 4 decimal places.
/// </summary>
/// <param name="TenantId">The tenant (<c>domains.tenant_id</c>); null for assignments whose domain has no tenant (or no domain).</param>
/// <param name="AssignmentCount">The tenant's assignments that are not expired (on IPs).</param>
/// <param name="IpCost">The tenant's shares of its IPs' <c>approximate_cost</c>.</param>
/// <param name="VpsCost">The tenant's shares of the VPS instances behind those IPs.</param>
public sealed record TenantMonthlyCost(TenantId? TenantId, int AssignmentCount, decimal IpCost, decimal VpsCost)
{
    /// <summary><see cref="IpCost"/> + <see cref="VpsCost"/>.</summary>
    public decimal Total => IpCost + VpsCost;
}
