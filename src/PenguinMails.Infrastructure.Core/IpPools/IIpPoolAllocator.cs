namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Gives SMTP IPs to domains, one transaction per allocation: chooses by <see cref="IpAllocationPolicy"/>, locks the
/// IP, inserts the assignment, increments <c>assigned_count</c> and moves the IP along its lifecycle. Implemented on
/// PostgreSQL (<c>NpgsqlIpPoolAllocator</c>) and in memory (<c>InMemoryIpPoolAllocator</c> in the Testing package).
/// </summary>
public interface IIpPoolAllocator
{
    /// <summary>The unit-of-work factory of the allocator's store (rotation and decommission run their units on it).</summary>
    IInfraUnitOfWorkFactory UnitOfWork { get; }

    /// <summary>Allocates an IP to the domain in a transaction of its own, committed before it returns.</summary>
    /// <param name="request">The domain and the exclusions.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is stored.</param>
    /// <returns>The acknowledged allocation.</returns>
    /// <exception cref="IpPoolExhaustedException">No IP fits (<see cref="IpPoolExhaustedException.Reason"/> says whether none exists or all are busy).</exception>
    /// <exception cref="ReferencedEntityMissingException">The domain is not a host <c>domains</c> row.</exception>
    /// <exception cref="EntityValidationException"><see cref="IpAllocationRequest.Expires"/> is not after now.</exception>
    Task<IpAllocation> AllocateAsync(IpAllocationRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Allocates an IP inside the caller's unit of work (from <see cref="UnitOfWork"/>), so the allocation commits or
    /// rolls back with the caller's other writes. Takes <see cref="LockDomainAsync"/> first.
    /// </summary>
    /// <param name="unitOfWork">A unit of work of this allocator's store.</param>
    /// <param name="request">The domain and the exclusions.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The allocation, visible to others once the unit commits.</returns>
    /// <exception cref="IpPoolExhaustedException">No IP fits; nothing was written, the unit stays usable.</exception>
    /// <exception cref="ArgumentException">The unit of work belongs to another store.</exception>
    Task<IpAllocation> AllocateAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Serializes the IP-pool operations of one domain until the unit of work ends: on PostgreSQL a transaction-level
    /// advisory lock (re-entrant); on the in-memory store the lock of the store's IP-pool tables (VPS instances, SMTP IPs,
    /// assignments), which serializes every domain's allocations, not only this one's. Allocation,
    /// rotation and decommission moves take it before they read the domain's assignments.
    /// </summary>
    /// <param name="unitOfWork">A unit of work of this allocator's store.</param>
    /// <param name="domainId">The domain.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task LockDomainAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken = default);
}
