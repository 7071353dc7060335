namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// What a store provides to the rotation of one batch, all inside the batch's unit of work: the due assignments (locked
/// where the store has row locks), the domain locks, which domains still hold an assignment in force, and the expiry of
/// the batch's assignments with the release of their IPs, and the allocation of a replacement under a lock already held.
/// </summary>
internal interface IIpRotationStore
{
    /// <summary>
    /// Up to <paramref name="limit"/> assignments that are scheduled, warming or active and whose <c>expires</c> is before
    /// <paramref name="before"/>, by <c>expires</c> then id; rows another unit of work holds are skipped.
    /// </summary>
    Task<List<DomainIpAssignment>> LockDueAsync(IInfraUnitOfWork unitOfWork, DateTimeOffset before, int limit, CancellationToken cancellationToken);

    /// <summary>Takes the pool lock of every domain (in one order, so two batches never wait on each other in a cycle).</summary>
    Task LockDomainsAsync(IInfraUnitOfWork unitOfWork, IReadOnlyCollection<DomainId> domains, CancellationToken cancellationToken);

    /// <summary>The domains among <paramref name="domains"/> holding an assignment in force at <paramref name="now"/> (active or warming, not past its expiry).</summary>
    Task<HashSet<DomainId>> DomainsInForceAsync(IInfraUnitOfWork unitOfWork, IReadOnlyCollection<DomainId> domains, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Allocates a replacement for a domain whose lock the batch already holds (inside the batch's unit of work).
    /// </summary>
    Task<IpAllocation> AllocateAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Expires every assignment of <paramref name="due"/> (compare-and-set on its status; <c>expires</c> becomes now when
    /// later), then releases their IPs: each IP's <c>assigned_count</c> minus its expired assignments (never below 0),
    /// and an <c>assigned</c> IP left without assignments back to <c>available</c>.
    /// </summary>
    /// <returns>
    /// For each assignment expired, its IP's status before and after the batch's release; an assignment missing from
    /// the result had changed since it was read and was not expired.
    /// </returns>
    Task<Dictionary<DomainIpAssignmentId, IpRelease>> ExpireAndReleaseAsync(
        IInfraUnitOfWork unitOfWork,
        IReadOnlyList<DomainIpAssignment> due,
        DateTimeOffset now,
        CancellationToken cancellationToken);
}

/// <summary>What <see cref="IIpRotationStore.ExpireAndReleaseAsync"/> did to the IP of one expired assignment.</summary>
/// <param name="Before">The IP's status before, or null when it has no IP.</param>
/// <param name="After">The IP's status after, or null when it has no IP.</param>
internal readonly record struct IpRelease(SmtpIpAddressStatus? Before, SmtpIpAddressStatus? After);

/// <summary>An allocator whose store also rotates in batches with statements of its own.</summary>
internal interface IIpRotationStoreSource
{
    IIpRotationStore RotationStore { get; }
}
