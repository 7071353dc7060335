using System.Collections.Immutable;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// The in-memory allocation index and the pick it serves: the IP <see cref="IpAllocationPolicy"/> ranks first, found
/// without ranking the fleet.
/// </summary>
/// <remarks>
/// The index holds the IPs in an assignable status in one bucket per (status, reputation), each ordered by
/// (<c>assigned_count</c>, uuid). The policy's order is (domain's holdings on the IP's VPS instance, in its region,
/// status rank, reputation rank, assigned count, uuid). A domain holds few IPs, so the best IP nearly always has no
/// holding on its instance or in its region: the pick walks the buckets in (status rank, reputation rank) order, merging
/// buckets of equal rank by (assigned count, uuid), skips ineligible and held IPs, and stops at the first eligible IP
/// without holdings on its instance and region (or, with spreading off, the first eligible IP). Only when the domain's
/// holdings cover every instance and region it meets does the walk go on to the end, keeping the IP with the fewest
/// holdings first met, which is the policy's first by the same order. A bucket's walk stops at the first IP at
/// <see cref="IpAllocationOptions.MaxAssignmentsPerIp"/>, since every later one holds as many.
/// </remarks>
internal static class InMemoryAllocationIndex
{
    /// <summary>The assignable IPs by (status, reputation), each bucket ordered by (assigned count, uuid).</summary>
    public static readonly GroupIndex<Guid, SmtpIpAddress, (SmtpIpAddressStatus Status, ReputationState? Reputation), (int AssignedCount, Guid Id)> ByRank = new(
        static ip => SmtpIpAddressLifecycle.IsAssignable(ip.Status) ? (true, (ip.Status, ip.ReputationState)) : (false, default),
        static (key, ip) => (ip.AssignedCount, key),
        RankOrder.Instance
    );

    /// <summary>
    /// The stored IP the policy ranks first for <paramref name="request"/> among those no other unit of work holds,
    /// locked for the unit (PostgreSQL's <c>FOR UPDATE SKIP LOCKED</c>); null when no IP is eligible or every eligible
    /// one is locked. Once the IP is locked its row is read again, and when a commit changed it since the pick, the
    /// pick is made again.
    /// </summary>
    public static async Task<SmtpIpAddress?> PickAsync(InMemoryInfraUnitOfWork unit, IpAllocationRequest request, IpAllocationOptions options, CancellationToken cancellationToken)
    {
        var session = unit.Session;
        session.Enter(cancellationToken);
        while (true)
        {
            var ip = Pick(session.Read(), request, options, id => session.LockedByOther(IpLock(id)));
            if (ip is null)
            {
                return null;
            }

            if (session.TryLock(IpLock(ip.Id.Value)) && ReferenceEquals(session.Read().Table(InMemorySmtpIpAddressRepository.Table).GetValueOrDefault(ip.Id.Value), ip))
            {
                return ip;
            }

            // Taken by another unit between the look and the lock, or changed by a commit since the look: look again.
        }
    }

    private static LockNeed IpLock(Guid id) => new(LockResource.Row(SmtpIpAddress.TableName, id), LockMode.Update);

    internal static SmtpIpAddress? Pick(StoreState state, IpAllocationRequest request, IpAllocationOptions options, Func<Guid, bool>? locked = null)
    {
        var ips = state.Table(InMemorySmtpIpAddressRepository.Table);
        var vpsTable = state.Table(InMemoryVpsInstanceRepository.Table);
        var holdings = Holdings(state, ips, vpsTable, request.DomainId);
        if (request.OnlyIps is { } only)
        {
            // A short list to choose from: rank exactly those.
            return RankSubset(ips, vpsTable, only, holdings, request, options, locked);
        }

        var excludedIps = request.ExcludeIps is { Count: > 0 } xi ? xi.Select(i => i.Value).ToHashSet() : null;
        var excludedVps = request.ExcludeVpsInstances is { Count: > 0 } xv ? xv.ToHashSet() : null;
        var vpsStatus = new Dictionary<VpsInstanceId, VpsInstanceStatus?>();
        SmtpIpAddress? best = null;
        (int OnVps, int InRegion) bestKey = default;
        foreach (var tier in Tiers(ips, options))
        {
            foreach (var (count, id) in Merge(tier))
            {
                if (count >= options.MaxAssignmentsPerIp)
                {
                    break;
                }

                if (excludedIps?.Contains(id) == true || holdings.Held.Contains(id) || locked?.Invoke(id) == true)
                {
                    continue;
                }

                var ip = ips.GetValueOrDefault(id)!;
                if (ip.VpsInstanceId is { } v && excludedVps?.Contains(v) == true)
                {
                    continue;
                }

                if (options.RequireActiveVps && (ip.VpsInstanceId is not { } vps || StatusOf(vps) != VpsInstanceStatus.Active))
                {
                    continue;
                }

                var key = (
                    OnVps: options.SpreadAcrossVpsInstances && ip.VpsInstanceId is { } hv ? holdings.PerVps.GetValueOrDefault(hv) : 0,
                    InRegion: options.SpreadAcrossRegions && RegionOf(ip) is { } region ? holdings.PerRegion.GetValueOrDefault(region) : 0
                );
                if (key == (0, 0))
                {
                    return ip;
                }

                if (best is null || key.CompareTo(bestKey) < 0)
                {
                    (best, bestKey) = (ip, key);
                }
            }
        }

        return best;

        VpsInstanceStatus? StatusOf(VpsInstanceId vps)
        {
            if (!vpsStatus.TryGetValue(vps, out var status))
            {
                status = vpsTable.GetValueOrDefault(vps.Value)?.Status;
                vpsStatus[vps] = status;
            }

            return status;
        }

        string? RegionOf(SmtpIpAddress ip) => ip.VpsInstanceId is { } vps ? vpsTable.GetValueOrDefault(vps.Value)?.Region : null;
    }

    /// <summary>The domain's non-expired assignments that name a stored IP, as <see cref="IpAllocationReads.LoadHoldingsAsync"/> reads them.</summary>
    private static (HashSet<Guid> Held, Dictionary<VpsInstanceId, int> PerVps, Dictionary<string, int> PerRegion, List<DomainHolding> List) Holdings(
        StoreState state,
        Table<Guid, SmtpIpAddress> ips,
        Table<Guid, VpsInstance> vpsTable,
        DomainId domainId
    )
    {
        var assignments = state.Table(InMemoryDomainIpAssignmentRepository.Table);
        var held = new HashSet<Guid>();
        var perVps = new Dictionary<VpsInstanceId, int>();
        var perRegion = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = new List<DomainHolding>();
        foreach (var id in InMemoryDomainIpAssignmentRepository.ByDomain.Get(assignments, domainId))
        {
            var a = assignments.GetValueOrDefault(id)!;
            if (a.Status == DomainIpAssignmentStatus.Expired || a.SmtpIpAddressId is not { } ipId || ips.GetValueOrDefault(ipId.Value) is not { } ip)
            {
                continue;
            }

            var region = ip.VpsInstanceId is { } v ? vpsTable.GetValueOrDefault(v.Value)?.Region : null;
            held.Add(ipId.Value);
            list.Add(new DomainHolding(ipId, ip.VpsInstanceId, region));
            if (ip.VpsInstanceId is { } vps)
            {
                perVps[vps] = perVps.GetValueOrDefault(vps) + 1;
            }

            if (region is not null)
            {
                perRegion[region] = perRegion.GetValueOrDefault(region) + 1;
            }
        }

        return (held, perVps, perRegion, list);
    }

    /// <summary>The policy's full ranking over the IPs of <paramref name="only"/>.</summary>
    private static SmtpIpAddress? RankSubset(
        Table<Guid, SmtpIpAddress> ips,
        Table<Guid, VpsInstance> vpsTable,
        IEnumerable<SmtpIpAddressId> only,
        (HashSet<Guid> Held, Dictionary<VpsInstanceId, int> PerVps, Dictionary<string, int> PerRegion, List<DomainHolding> List) holdings,
        IpAllocationRequest request,
        IpAllocationOptions options,
        Func<Guid, bool>? locked
    )
    {
        var rows = new List<IpPoolRow>();
        foreach (var id in only.Distinct())
        {
            if (ips.GetValueOrDefault(id.Value) is { IsAssignable: true } ip && locked?.Invoke(id.Value) != true)
            {
                var vps = ip.VpsInstanceId is { } v ? vpsTable.GetValueOrDefault(v.Value) : null;
                rows.Add(new IpPoolRow(ip.Id, ip.VpsInstanceId, vps?.Region, vps?.Status, ip.Status, ip.ReputationState, ip.AssignedCount));
            }
        }

        var ranked = IpAllocationPolicy.Rank(IpAllocationPolicy.BuildCandidates(rows, holdings.List), options, request);
        return ranked.Count == 0 ? null : ips.GetValueOrDefault(ranked[0].Id.Value);
    }

    /// <summary>
    /// The buckets of eligible reputation in the policy's (status rank, reputation rank) order, those of equal rank
    /// together (statuses left out of the preference share the last rank; without reputation preference every
    /// reputation of a status shares one).
    /// </summary>
    private static IEnumerable<List<ImmutableSortedSet<(int AssignedCount, Guid Id)>>> Tiers(Table<Guid, SmtpIpAddress> ips, IpAllocationOptions options)
    {
        var ranked = new List<(int Status, int Reputation, ImmutableSortedSet<(int, Guid)> Bucket)>();
        foreach (var (group, bucket) in ByRank.Groups(ips))
        {
            if (group.Reputation is { } rs && options.ExcludedReputationStates.Contains(rs))
            {
                continue;
            }

            ranked.Add((
                IpAllocationPolicy.StatusRank(group.Status, options),
                options.PreferGoodReputation ? IpAllocationPolicy.ReputationRank(group.Reputation) : 0,
                bucket
            ));
        }

        ranked.Sort(static (a, b) => (a.Status, a.Reputation).CompareTo((b.Status, b.Reputation)));
        for (var i = 0; i < ranked.Count; )
        {
            var tier = new List<ImmutableSortedSet<(int, Guid)>>();
            var j = i;
            for (; j < ranked.Count && ranked[j].Status == ranked[i].Status && ranked[j].Reputation == ranked[i].Reputation; j++)
            {
                tier.Add(ranked[j].Bucket);
            }

            yield return tier;
            i = j;
        }
    }

    /// <summary>The entries of <paramref name="buckets"/> merged in (assigned count, uuid) order.</summary>
    private static IEnumerable<(int AssignedCount, Guid Id)> Merge(List<ImmutableSortedSet<(int AssignedCount, Guid Id)>> buckets)
    {
        if (buckets.Count == 1)
        {
            foreach (var entry in buckets[0])
            {
                yield return entry;
            }

            yield break;
        }

        var cursors = new List<IEnumerator<(int, Guid)>>();
        try
        {
            foreach (var bucket in buckets)
            {
                var cursor = ((IEnumerable<(int, Guid)>)bucket).GetEnumerator();
                if (cursor.MoveNext())
                {
                    cursors.Add(cursor);
                }
                else
                {
                    cursor.Dispose();
                }
            }

            while (cursors.Count > 0)
            {
                var min = 0;
                for (var i = 1; i < cursors.Count; i++)
                {
                    if (RankOrder.Instance.Compare(cursors[i].Current, cursors[min].Current) < 0)
                    {
                        min = i;
                    }
                }

                yield return cursors[min].Current;
                if (!cursors[min].MoveNext())
                {
                    cursors[min].Dispose();
                    cursors.RemoveAt(min);
                }
            }
        }
        finally
        {
            foreach (var cursor in cursors)
            {
                cursor.Dispose();
            }
        }
    }

    /// <summary>(assigned count, uuid), the policy's last two keys.</summary>
    private sealed class RankOrder : IComparer<(int AssignedCount, Guid Id)>
    {
        public static readonly RankOrder Instance = new();

        public int Compare((int AssignedCount, Guid Id) x, (int AssignedCount, Guid Id) y)
        {
            var c = x.AssignedCount.CompareTo(y.AssignedCount);
            return c != 0 ? c : UuidOrder.Instance.Compare(x.Id, y.Id);
        }
    }
}
