namespace PenguinMails.Infrastructure.Core.IpPools;

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
