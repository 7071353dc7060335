namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Reads of the IP pool through the repositories of a unit of work, so they work on every store: the in-memory
/// allocator loads its candidates with them, and the decommission planner its fleet.
/// </summary>
internal static class IpAllocationReads
{
    private static readonly PageRequest FirstPage = PageRequest.First with { Limit = PageRequest.MaxLimit };

    /// <summary>Every IP in an assignable status, with its VPS instance's region and status.</summary>
    public static async Task<List<IpPoolRow>> LoadRowsAsync(IInfraUnitOfWork unit, Dictionary<VpsInstanceId, VpsInstance?> vpsCache, CancellationToken cancellationToken)
    {
        var rows = new List<IpPoolRow>();
        foreach (var status in Enum.GetValues<SmtpIpAddressStatus>().Where(SmtpIpAddressLifecycle.IsAssignable))
        {
            foreach (var ip in await IpsAsync(unit, new SmtpIpAddressFilter(Status: status), cancellationToken).ConfigureAwait(false))
            {
                var vps = await VpsAsync(unit, ip.VpsInstanceId, vpsCache, cancellationToken).ConfigureAwait(false);
                rows.Add(new IpPoolRow(ip.Id, ip.VpsInstanceId, vps?.Region, vps?.Status, ip.Status, ip.ReputationState, ip.AssignedCount));
            }
        }

        return rows;
    }

    /// <summary>The domain's non-expired assignments that name an IP, with the IP's VPS instance and region.</summary>
    public static async Task<List<DomainHolding>> LoadHoldingsAsync(IInfraUnitOfWork unit, DomainId domainId, Dictionary<VpsInstanceId, VpsInstance?> vpsCache, CancellationToken cancellationToken)
    {
        var holdings = new List<DomainHolding>();
        foreach (var a in await AssignmentsAsync(unit, new DomainIpAssignmentFilter(DomainId: domainId), cancellationToken).ConfigureAwait(false))
        {
            if (a.Status == DomainIpAssignmentStatus.Expired || a.SmtpIpAddressId is not { } ipId)
            {
                continue;
            }

            var ip = await unit.SmtpIpAddresses.GetAsync(ipId, cancellationToken).ConfigureAwait(false);
            if (ip is null)
            {
                continue;
            }

            var vps = await VpsAsync(unit, ip.VpsInstanceId, vpsCache, cancellationToken).ConfigureAwait(false);
            holdings.Add(new DomainHolding(ipId, ip.VpsInstanceId, vps?.Region));
        }

        return holdings;
    }

    /// <summary>Every IP matching <paramref name="filter"/>, all pages.</summary>
    public static async Task<List<SmtpIpAddress>> IpsAsync(IInfraUnitOfWork unit, SmtpIpAddressFilter filter, CancellationToken cancellationToken)
    {
        var all = new List<SmtpIpAddress>();
        PageRequest? page = FirstPage;
        while (page is not null)
        {
            var result = await unit.SmtpIpAddresses.ListAsync(filter, page, cancellationToken).ConfigureAwait(false);
            all.AddRange(result.Items);
            page = result.ContinuationToken is { } token ? page with { ContinuationToken = token } : null;
        }

        return all;
    }

    /// <summary>Every assignment matching <paramref name="filter"/>, all pages, in id order.</summary>
    public static async Task<List<DomainIpAssignment>> AssignmentsAsync(IInfraUnitOfWork unit, DomainIpAssignmentFilter filter, CancellationToken cancellationToken)
    {
        var all = new List<DomainIpAssignment>();
        PageRequest? page = FirstPage;
        while (page is not null)
        {
            var result = await unit.DomainIpAssignments.ListAsync(filter, page, cancellationToken).ConfigureAwait(false);
            all.AddRange(result.Items);
            page = result.ContinuationToken is { } token ? page with { ContinuationToken = token } : null;
        }

        return all;
    }

    /// <summary>The VPS instance <paramref name="id"/> (cached per call), or null.</summary>
    public static async Task<VpsInstance?> VpsAsync(IInfraUnitOfWork unit, VpsInstanceId? id, Dictionary<VpsInstanceId, VpsInstance?> cache, CancellationToken cancellationToken)
    {
        if (id is not { } v)
        {
            return null;
        }

        if (!cache.TryGetValue(v, out var vps))
        {
            vps = await unit.VpsInstances.GetAsync(v, cancellationToken).ConfigureAwait(false);
            cache[v] = vps;
        }

        return vps;
    }

    /// <summary>
    /// Expires <paramref name="current"/> (compare-and-set on its status), decrements its IP's <c>assigned_count</c> and
    /// returns an <c>assigned</c> IP left with no assignment to <c>available</c>. The IP's status before and after.
    /// </summary>
    public static async Task<(SmtpIpAddressStatus? Before, SmtpIpAddressStatus? After)> ExpireAndReleaseAsync(
        IInfraUnitOfWork unit,
        DomainIpAssignment current,
        CancellationToken cancellationToken
    )
    {
        await unit.DomainIpAssignments.ChangeStatusAsync(current, DomainIpAssignmentStatus.Expired, cancellationToken).ConfigureAwait(false);
        if (current.SmtpIpAddressId is not { } ipId || await unit.SmtpIpAddresses.GetAsync(ipId, cancellationToken).ConfigureAwait(false) is not { } ip)
        {
            return (null, null);
        }

        var after = ip.AssignedCount > 0
            ? await unit.SmtpIpAddresses.AdjustAssignedCountAsync(ipId, -1, cancellationToken).ConfigureAwait(false)
            : ip;
        if (after.Status == SmtpIpAddressStatus.Assigned && after.AssignedCount == 0)
        {
            after = await unit.SmtpIpAddresses.ChangeStatusAsync(after, SmtpIpAddressStatus.Available, cancellationToken).ConfigureAwait(false);
        }

        return (ip.Status, after.Status);
    }
}
