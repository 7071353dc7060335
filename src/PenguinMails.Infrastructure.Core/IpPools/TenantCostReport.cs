using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

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

/// <summary>The cost arithmetic of <see cref="ITenantCostReport"/> as a pure function over rows (used by the in-memory store, and the reference for the SQL).</summary>
public static class TenantCostCalculator
{
    /// <summary>The number of decimal places of every share and amount: 4.</summary>
    public const int Decimals = 4;

    private const decimal Zero = 0.0000m;

    /// <summary>The costs per tenant at <paramref name="at"/>, by the rules of <see cref="ITenantCostReport"/>.</summary>
    /// <param name="vpsInstances">The VPS instances (at least those the IPs name).</param>
    /// <param name="ips">The IPs (at least those the assignments name).</param>
    /// <param name="assignments">The assignments.</param>
    /// <param name="tenantOf">The tenant of a domain, or null when it has none.</param>
    /// <param name="at">The instant.</param>
    public static IReadOnlyList<TenantMonthlyCost> Compute(
        IEnumerable<VpsInstance> vpsInstances,
        IEnumerable<SmtpIpAddress> ips,
        IEnumerable<DomainIpAssignment> assignments,
        Func<DomainId, TenantId?> tenantOf,
        DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(vpsInstances);
        ArgumentNullException.ThrowIfNull(ips);
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(tenantOf);
        var ipById = ips.ToDictionary(ip => ip.Id);
        var vpsById = vpsInstances.ToDictionary(v => v.Id);
        var counting = assignments
            .Where(a => a.SmtpIpAddressId is { } ipId && ipById.ContainsKey(ipId) && WarmupPlanner.IsNotExpired(a, at))
            .Select(a => (Tenant: a.DomainId is { } d ? tenantOf(d) : null, Ip: ipById[a.SmtpIpAddressId!.Value]))
            .ToList();

        var rows = new Dictionary<Guid, (int Count, decimal Ip, decimal Vps)>();
        var nullTenant = (Count: 0, Ip: Zero, Vps: Zero);
        var hasNullTenant = false;

        void Add(TenantId? tenant, int count, decimal ipCost, decimal vpsCost)
        {
            if (tenant is { } t)
            {
                var row = rows.TryGetValue(t.Value, out var r) ? r : (0, Zero, Zero);
                rows[t.Value] = (row.Item1 + count, row.Item2 + ipCost, row.Item3 + vpsCost);
            }
            else
            {
                hasNullTenant = true;
                nullTenant = (nullTenant.Count + count, nullTenant.Ip + ipCost, nullTenant.Vps + vpsCost);
            }
        }

        foreach (var ipGroup in counting.GroupBy(c => c.Ip.Id))
        {
            var n = ipGroup.Count();
            var cost = ipGroup.First().Ip.ApproximateCost ?? 0m;
            foreach (var tenantGroup in ipGroup.GroupBy(c => c.Tenant))
            {
                Add(tenantGroup.Key, tenantGroup.Count(), Share(cost, tenantGroup.Count(), n), Zero);
            }
        }

        foreach (var vpsGroup in counting.Where(c => c.Ip.VpsInstanceId is { } v && vpsById.ContainsKey(v)).GroupBy(c => c.Ip.VpsInstanceId!.Value))
        {
            var n = vpsGroup.Count();
            var vps = vpsById[vpsGroup.Key];
            var cost = vps.ApproximateCost ?? vps.MonthlyCost ?? 0m;
            foreach (var tenantGroup in vpsGroup.GroupBy(c => c.Tenant))
            {
                Add(tenantGroup.Key, 0, Zero, Share(cost, tenantGroup.Count(), n));
            }
        }

        var result = rows
            .OrderBy(kv => kv.Key, Comparer<Guid>.Create(ContinuationToken.CompareUuid))
            .Select(kv => new TenantMonthlyCost(new TenantId(kv.Key), kv.Value.Count, kv.Value.Ip, kv.Value.Vps))
            .ToList();
        if (hasNullTenant)
        {
            result.Add(new TenantMonthlyCost(null, nullTenant.Count, nullTenant.Ip, nullTenant.Vps));
        }

        return result;
    }

    /// <summary>
    /// One share: <paramref name="cost"/> × <paramref name="count"/> / <paramref name="total"/>, rounded half away from
    /// zero to 4 decimal places, with exactly 4 decimal places.
    /// </summary>
    /// <param name="cost">The cost to share.</param>
    /// <param name="count">The sharer's assignments.</param>
    /// <param name="total">All assignments sharing the cost, at least <paramref name="count"/> and at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="total"/> is below 1, or <paramref name="count"/> is negative or above it.</exception>
    public static decimal Share(decimal cost, int count, int total)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, total);
        return Math.Round(cost * count / total, Decimals, MidpointRounding.AwayFromZero) + Zero;
    }
}
