namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// The rotation store over any allocator's unit of work, through its repositories: used by allocators of other stores,
/// and by the in-memory store for everything but claiming the due batch. It takes no row locks: every step re-reads
/// under the domain locks what it changes.
/// </summary>
internal sealed class RepositoryRotationStore(IIpPoolAllocator allocator) : IIpRotationStore
{
    /// <summary>The statuses a due assignment can be in (every one but <c>expired</c>).</summary>
    internal static readonly DomainIpAssignmentStatus[] NotExpired =
        [DomainIpAssignmentStatus.Scheduled, DomainIpAssignmentStatus.Warming, DomainIpAssignmentStatus.Active];

    public async Task<List<DomainIpAssignment>> LockDueAsync(IInfraUnitOfWork unitOfWork, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        var due = new List<DomainIpAssignment>();
        foreach (var status in NotExpired)
        {
            due.AddRange(
                await IpAllocationReads.AssignmentsAsync(unitOfWork, new DomainIpAssignmentFilter(Status: status, ExpiringBefore: before), cancellationToken)
                    .ConfigureAwait(false));
        }

        due.Sort(static (a, b) =>
        {
            var c = Nullable.Compare(a.Expires, b.Expires);
            return c != 0 ? c : ContinuationToken.CompareUuid(a.Id.Value, b.Id.Value);
        });
        return due.Count > limit ? due[..limit] : due;
    }

    public async Task LockDomainsAsync(IInfraUnitOfWork unitOfWork, IReadOnlyCollection<DomainId> domains, CancellationToken cancellationToken)
    {
        foreach (var domain in domains.OrderBy(d => d.Value, UuidOrder.Instance))
        {
            await allocator.LockDomainAsync(unitOfWork, domain, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<HashSet<DomainId>> DomainsInForceAsync(IInfraUnitOfWork unitOfWork, IReadOnlyCollection<DomainId> domains, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var inForce = new HashSet<DomainId>();
        foreach (var domain in domains)
        {
            var all = await IpAllocationReads.AssignmentsAsync(unitOfWork, new DomainIpAssignmentFilter(DomainId: domain), cancellationToken).ConfigureAwait(false);
            if (all.Any(a => a.IsInForceAt(now)))
            {
                inForce.Add(domain);
            }
        }

        return inForce;
    }

    public Task<IpAllocation> AllocateAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, CancellationToken cancellationToken) =>
        allocator.AllocateAsync(unitOfWork, request, cancellationToken);

    public async Task<Dictionary<DomainIpAssignmentId, IpRelease>> ExpireAndReleaseAsync(
        IInfraUnitOfWork unitOfWork,
        IReadOnlyList<DomainIpAssignment> due,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var expiredByIp = new Dictionary<SmtpIpAddressId, List<DomainIpAssignmentId>>();
        var released = new Dictionary<DomainIpAssignmentId, IpRelease>();
        foreach (var assignment in due)
        {
            // Re-read under the domain lock: a store without row locks may have seen it change since the due list was read.
            var current = await unitOfWork.DomainIpAssignments.GetAsync(assignment.Id, cancellationToken).ConfigureAwait(false);
            if (current is null || current.Status == DomainIpAssignmentStatus.Expired || current.Expires is not { } expires || expires > now)
            {
                continue;
            }

            await unitOfWork.DomainIpAssignments.ChangeStatusAsync(current, DomainIpAssignmentStatus.Expired, cancellationToken).ConfigureAwait(false);
            if (current.SmtpIpAddressId is { } ipId)
            {
                (expiredByIp.TryGetValue(ipId, out var list) ? list : expiredByIp[ipId] = []).Add(current.Id);
            }
            else
            {
                released[current.Id] = new IpRelease(null, null);
            }
        }

        foreach (var (ipId, assignments) in expiredByIp)
        {
            var release = new IpRelease(null, null);
            if (await unitOfWork.SmtpIpAddresses.GetAsync(ipId, cancellationToken).ConfigureAwait(false) is { } ip)
            {
                var decrement = Math.Min(assignments.Count, ip.AssignedCount);
                var after = decrement > 0
                    ? await unitOfWork.SmtpIpAddresses.AdjustAssignedCountAsync(ipId, -decrement, cancellationToken).ConfigureAwait(false)
                    : ip;
                if (after.Status == SmtpIpAddressStatus.Assigned && after.AssignedCount == 0)
                {
                    after = await unitOfWork.SmtpIpAddresses.ChangeStatusAsync(after, SmtpIpAddressStatus.Available, cancellationToken).ConfigureAwait(false);
                }

                release = new IpRelease(ip.Status, after.Status);
            }

            foreach (var id in assignments)
            {
                released[id] = release;
            }
        }

        return released;
    }

    private sealed class UuidOrder : IComparer<Guid>
    {
        public static readonly UuidOrder Instance = new();

        public int Compare(Guid x, Guid y) => ContinuationToken.CompareUuid(x, y);
    }
}
