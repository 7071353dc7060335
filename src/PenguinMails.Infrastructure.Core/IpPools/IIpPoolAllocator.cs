using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>What to allocate: an IP for one domain, with optional exclusions.</summary>
/// <param name="DomainId">The domain (a host <c>domains</c> row).</param>
public sealed record IpAllocationRequest(DomainId DomainId)
{
    /// <summary>
    /// When the new assignment ends (UTC, after the time of the allocation); null for
    /// <see cref="IpAllocationOptions.DefaultAssignmentDuration"/> (open-ended by default).
    /// </summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>IPs that must not be chosen; null for none.</summary>
    public IReadOnlyCollection<SmtpIpAddressId>? ExcludeIps { get; init; }

    /// <summary>VPS instances whose IPs must not be chosen (a decommission moves assignments off one); null for none.</summary>
    public IReadOnlyCollection<VpsInstanceId>? ExcludeVpsInstances { get; init; }

    /// <summary>When set, only these IPs may be chosen (a decommission plan's target); null for any.</summary>
    public IReadOnlyCollection<SmtpIpAddressId>? OnlyIps { get; init; }
}

/// <summary>An acknowledged allocation: the new assignment and the IP as stored after it.</summary>
/// <param name="Assignment">The new assignment (status <c>active</c>, or <c>warming</c> on a warming IP).</param>
/// <param name="Ip">The IP after the allocation: <c>assigned_count</c> one higher, status moved along its lifecycle.</param>
/// <param name="PreviousIpStatus">The IP's status before (available and warmed become assigned; assigned and warming stay).</param>
public sealed record IpAllocation(DomainIpAssignment Assignment, SmtpIpAddress Ip, SmtpIpAddressStatus PreviousIpStatus);

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
    /// advisory lock (re-entrant); on the in-memory store the unit already holds the store's write lock. Allocation,
    /// rotation and decommission moves take it before they read the domain's assignments.
    /// </summary>
    /// <param name="unitOfWork">A unit of work of this allocator's store.</param>
    /// <param name="domainId">The domain.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task LockDomainAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken = default);
}
