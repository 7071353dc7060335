namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// The approximate monthly cost per tenant, the same on every store (PostgreSQL: <c>NpgsqlTenantCostReport</c>, one
/// query; in memory: <c>InMemoryTenantCostReport</c>).
/// </summary>
/// <remarks>
/// <para>At an instant <c>at</c>, an assignment counts when it is not expired (status not <c>expired</c>, and
/// <c>expires</c> empty or later than <c>at</c>; scheduled ones count) and names an IP.</para>
/// <para><b>IP share.</b> An IP's <c>approximate_cost</c> (NULL is 0) is shared equally among its counting assignments:
/// a tenant with k of the IP's n assignments owes round(cost × k / n, 4).</para>
/// <para><b>VPS share.</b> A VPS instance's cost — its <c>approximate_cost</c> (the column meant for tenant cost
/// analysis), else its <c>monthly_cost</c>, else 0 — is shared equally among the counting assignments of all its IPs:
/// a tenant with k of the instance's N assignments owes round(cost × k / N, 4). IPs without a VPS have no VPS share.</para>
/// <para><b>Rounding.</b> Each (tenant, IP) and (tenant, VPS) share is rounded once, half away from zero, to 4 decimal
/// places (PostgreSQL <c>round(numeric, 4)</c>, .NET <see cref="MidpointRounding.AwayFromZero"/>); the tenant's amounts
/// are exact sums of those. The rounding residue of a shared cost (at most 0.00005 per sharing tenant) is not
/// reassigned. Costs of IPs and instances with no counting assignment are attributed to no one.</para>
/// <para><b>Tenant.</b> The owner of the assignment's domain, <c>domains.tenant_id</c> (a host table); a domain without a
/// tenant, or an assignment without a domain, goes to the row whose <see cref="TenantMonthlyCost.TenantId"/> is null.
/// Rows are ordered by tenant id as PostgreSQL orders uuid, the null tenant last.</para>
/// </remarks>
public interface ITenantCostReport
{
    /// <summary>The approximate monthly cost of every tenant with a counting assignment at <paramref name="at"/>.</summary>
    /// <param name="at">The instant; null for now (the store's clock).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IReadOnlyList<TenantMonthlyCost>> GetMonthlyCostsAsync(DateTimeOffset? at = null, CancellationToken cancellationToken = default);
}
