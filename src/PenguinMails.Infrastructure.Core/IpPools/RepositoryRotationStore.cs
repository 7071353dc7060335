using PenguinMails.Infrastructure.Core.Assignments;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// The rotation store over any allocator's unit of work, through its repositories: used by the in-memory store (whose
/// unit of work holds the store's lock, so nothing changes under the batch) and by allocators of other stores.
/// </summary>
internal sealed class RepositoryRotationStore(IIpPoolAllocator allocator) : IIpRotationStore
{
    private static readonly DomainIpAssignmentStatus[] NotExpired =
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

    public async Task<IpRelease> ExpireAndReleaseAsync(IInfraUnitOfWork unitOfWork, DomainIpAssignment due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Re-read under the domain lock: a store without row locks may have seen it change since the due list was read.
        var current = await unitOfWork.DomainIpAssignments.GetAsync(due.Id, cancellationToken).ConfigureAwait(false);
        if (current is null || current.Status == DomainIpAssignmentStatus.Expired || current.Expires is not { } expires || expires > now)
        {
            return new IpRelease(false, null, null);
        }

        var (before, after) = await IpAllocationReads.ExpireAndReleaseAsync(unitOfWork, current, cancellationToken).ConfigureAwait(false);
        return new IpRelease(true, before, after);
    }

    private sealed class UuidOrder : IComparer<Guid>
    {
        public static readonly UuidOrder Instance = new();

        public int Compare(Guid x, Guid y) => ContinuationToken.CompareUuid(x, y);
    }
}
