namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// The rotation store of the in-memory allocator: the repository-based store, except that the due batch is claimed
/// as PostgreSQL claims it. The unit takes the IP-pool tables' lock first (so concurrent rotations never claim the same
/// assignment), then reads the earliest due assignments from the (status, expires) index: O(batch · log n), not a walk
/// of every assignment in a status.
/// </summary>
internal sealed class InMemoryRotationStore(InMemoryIpPoolAllocator allocator, InMemoryInfraStore store) : IIpRotationStore
{
    private readonly RepositoryRotationStore _repositories = new(allocator);

    public async Task<List<DomainIpAssignment>> LockDueAsync(IInfraUnitOfWork unitOfWork, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        var unit = InMemoryIpPoolAllocator.UnitOf(unitOfWork, store);
        unit.Session.Enter(cancellationToken);
        await unit.Session.LockAsync(TableGroups.IpPools, cancellationToken).ConfigureAwait(false);
        var table = unit.Session.Read().Table(InMemoryDomainIpAssignmentRepository.Table);
        var cut = StoreClock.Truncate(before);
        var due = new List<(DateTimeOffset Expires, Guid Id)>();
        foreach (var status in RepositoryRotationStore.NotExpired)
        {
            // Each status's earliest `limit` are enough: the batch is the earliest `limit` of all three.
            var taken = 0;
            foreach (var entry in InMemoryDomainIpAssignmentRepository.ByStatusAndExpiry.Get(table, status))
            {
                if (entry.Expires >= cut || taken == limit)
                {
                    break;
                }

                due.Add(entry);
                taken++;
            }
        }

        due.Sort(static (a, b) => a.Expires != b.Expires ? a.Expires.CompareTo(b.Expires) : ContinuationToken.CompareUuid(a.Id, b.Id));
        return [.. due.Take(limit).Select(e => table[e.Id])];
    }

    public Task LockDomainsAsync(IInfraUnitOfWork unitOfWork, IReadOnlyCollection<DomainId> domains, CancellationToken cancellationToken) =>
        _repositories.LockDomainsAsync(unitOfWork, domains, cancellationToken);

    public Task<HashSet<DomainId>> DomainsInForceAsync(IInfraUnitOfWork unitOfWork, IReadOnlyCollection<DomainId> domains, DateTimeOffset now, CancellationToken cancellationToken) =>
        _repositories.DomainsInForceAsync(unitOfWork, domains, now, cancellationToken);

    public Task<IpAllocation> AllocateAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, CancellationToken cancellationToken) =>
        _repositories.AllocateAsync(unitOfWork, request, cancellationToken);

    public Task<Dictionary<DomainIpAssignmentId, IpRelease>> ExpireAndReleaseAsync(
        IInfraUnitOfWork unitOfWork,
        IReadOnlyList<DomainIpAssignment> due,
        DateTimeOffset now,
        CancellationToken cancellationToken
    ) => _repositories.ExpireAndReleaseAsync(unitOfWork, due, now, cancellationToken);
}
