namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// The rotation store of the in-memory allocator: the repository-based store, except that the due batch is claimed
/// as PostgreSQL claims it: the earliest due assignments from the (status, expires) index (O(batch · log n), not a walk
/// of every assignment in a status), each locked for the unit and those another unit holds skipped
/// (<c>FOR UPDATE SKIP LOCKED</c>), so concurrent rotations never claim the same assignment. Before the batch's IPs are
/// updated they are locked in id order, so two batches sharing IPs wait for each other instead of deadlocking.
/// </summary>
internal sealed class InMemoryRotationStore(InMemoryIpPoolAllocator allocator, InMemoryInfraStore store) : IIpRotationStore
{
    private readonly RepositoryRotationStore _repositories = new(allocator);

    public async Task<List<DomainIpAssignment>> LockDueAsync(IInfraUnitOfWork unitOfWork, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        var session = InMemoryIpPoolAllocator.UnitOf(unitOfWork, store).Session;
        session.Enter(cancellationToken);
        var table = session.Read().Table(InMemoryDomainIpAssignmentRepository.Table);
        var cut = StoreClock.Truncate(before);
        var due = new List<(DateTimeOffset Expires, Guid Id)>();
        foreach (var status in RepositoryRotationStore.NotExpired)
        {
            // Each status's earliest `limit` that no other unit holds are enough: the batch is the earliest `limit` of all three.
            var taken = 0;
            foreach (var entry in InMemoryDomainIpAssignmentRepository.ByStatusAndExpiry.Get(table, status))
            {
                if (entry.Expires >= cut || taken == limit)
                {
                    break;
                }

                if (!session.LockedByOther(AssignmentLock(entry.Id)))
                {
                    due.Add(entry);
                    taken++;
                }
            }
        }

        due.Sort(static (a, b) => a.Expires != b.Expires ? a.Expires.CompareTo(b.Expires) : ContinuationToken.CompareUuid(a.Id, b.Id));
        var batch = new List<DomainIpAssignment>(Math.Min(limit, due.Count));
        foreach (var (_, id) in due)
        {
            if (batch.Count == limit)
            {
                break;
            }

            // Locked, then read again: a row another unit changed and committed since the look is taken as it is now,
            // and left out when it is no longer due (as PostgreSQL rechecks a row it locks).
            if (session.TryLock(AssignmentLock(id))
                && session.Read().Table(InMemoryDomainIpAssignmentRepository.Table).GetValueOrDefault(id) is { Expires: { } expires, Status: not DomainIpAssignmentStatus.Expired } row
                && expires < cut)
            {
                batch.Add(row);
            }
        }

        return batch;
    }

    private static LockNeed AssignmentLock(Guid id) => new(LockResource.Row(DomainIpAssignment.TableName, id), LockMode.Update);

    public Task LockDomainsAsync(IInfraUnitOfWork unitOfWork, IReadOnlyCollection<DomainId> domains, CancellationToken cancellationToken) =>
        _repositories.LockDomainsAsync(unitOfWork, domains, cancellationToken);

    public Task<HashSet<DomainId>> DomainsInForceAsync(IInfraUnitOfWork unitOfWork, IReadOnlyCollection<DomainId> domains, DateTimeOffset now, CancellationToken cancellationToken) =>
        _repositories.DomainsInForceAsync(unitOfWork, domains, now, cancellationToken);

    public Task<IpAllocation> AllocateAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, CancellationToken cancellationToken) =>
        _repositories.AllocateAsync(unitOfWork, request, cancellationToken);

    public async Task<Dictionary<DomainIpAssignmentId, IpRelease>> ExpireAndReleaseAsync(
        IInfraUnitOfWork unitOfWork,
        IReadOnlyList<DomainIpAssignment> due,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(due);
        var ips = due.Where(a => a.SmtpIpAddressId is not null).Select(a => a.SmtpIpAddressId!.Value.Value).Distinct().Order(UuidOrder.Instance);
        await InMemoryIpPoolAllocator.UnitOf(unitOfWork, store)
            .Session.LockAsync([.. ips.Select(id => new LockNeed(LockResource.Row(SmtpIpAddress.TableName, id), LockMode.Update))], cancellationToken)
            .ConfigureAwait(false);
        return await _repositories.ExpireAndReleaseAsync(unitOfWork, due, now, cancellationToken).ConfigureAwait(false);
    }
}
