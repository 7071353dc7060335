namespace PenguinMails.Infrastructure.Core.Assignments;

/// <summary>
/// Reads and writes <c>domain_ip_assignments</c>. Implemented on PostgreSQL (<c>NpgsqlDomainIpAssignmentRepository</c>)
/// and in memory (<c>InMemoryDomainIpAssignmentRepository</c> in the Testing package), with the same behaviour.
/// </summary>
/// <remarks>
/// A NULL <c>warmup_state</c> (the seed column has no default) is read as <see cref="WarmupState.Unwarmed"/>; the
/// library always writes a value.
/// </remarks>
public interface IDomainIpAssignmentRepository
{
    /// <summary>The assignment with this id, or null.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<DomainIpAssignment?> GetAsync(DomainIpAssignmentId id, CancellationToken cancellationToken = default);

    /// <summary>One page of assignments matching <paramref name="filter"/>, ordered by id.</summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="page">The page to read, or null for the first 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentOutOfRangeException">The page limit is outside 1..1000.</exception>
    /// <exception cref="ArgumentException">The continuation token is not one this library issued.</exception>
    Task<Page<DomainIpAssignment>> ListAsync(
        DomainIpAssignmentFilter? filter = null,
        PageRequest? page = null,
        CancellationToken cancellationToken = default
    );

    /// <summary>How many assignments match <paramref name="filter"/>.</summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CountAsync(DomainIpAssignmentFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts a new assignment after validating it. The status and warmup state must be the initial ones
    /// (<c>scheduled</c>, <c>unwarmed</c>); <c>assigned</c> left at its default becomes the store's current time, and
    /// <c>created</c> and <c>updated</c> are set from the store's clock. A domain may hold at most one assignment that
    /// is not expired per IP.
    /// </summary>
    /// <param name="assignment">The assignment.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The assignment as stored.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule (also <c>expires</c> not after <c>assigned</c>), or a state is not the initial one.</exception>
    /// <exception cref="DuplicateEntityException">
    /// The id is taken (<see cref="DuplicateEntityException.Key"/> <c>primary key</c>), or the domain already holds an
    /// assignment to the IP that is not expired (key <c>domain_id, smtp_ip_address_id</c>).
    /// </exception>
    /// <exception cref="ReferencedEntityMissingException">
    /// <c>domain_id</c> names no host <c>domains</c> row, or <c>smtp_ip_address_id</c> no <c>smtp_ip_addresses</c> row
    /// (when both are missing, <c>domain_id</c> is reported).
    /// </exception>
    Task<DomainIpAssignment> AddAsync(DomainIpAssignment assignment, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <c>expires</c> and <c>last_sent</c> (the domain, the IP and <c>assigned</c> are fixed; the status and the
    /// warmup state have their own operations), if the row is still as <paramref name="assignment"/> was read: same
    /// <see cref="DomainIpAssignment.Updated"/>, status and warmup state (optimistic concurrency).
    /// </summary>
    /// <param name="assignment">The changed snapshot, as read plus changes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The assignment as stored, with a new <c>updated</c>.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The row changed since it was read.</exception>
    Task<DomainIpAssignment> UpdateAsync(DomainIpAssignment assignment, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves an assignment to <paramref name="newStatus"/>: checks the lifecycle (<see cref="DomainIpAssignmentLifecycle"/>),
    /// then writes with a compare-and-set on the status of <paramref name="current"/>, in one statement with the side
    /// rule: entering <c>expired</c> sets <c>expires</c> to now when the stored value is empty or still ahead.
    /// </summary>
    /// <param name="current">The snapshot the caller read; its status is the expected one.</param>
    /// <param name="newStatus">The new status.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The assignment as stored.</returns>
    /// <exception cref="Lifecycles.InvalidStatusTransitionException">The lifecycle does not allow the move.</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The status is no longer the one in <paramref name="current"/>.</exception>
    Task<DomainIpAssignment> ChangeStatusAsync(
        DomainIpAssignment current,
        DomainIpAssignmentStatus newStatus,
        CancellationToken cancellationToken = default
    );

    /// <summary>
    /// Moves the domain's warmup on the IP to <paramref name="newState"/>: checks <see cref="WarmupStateLifecycle"/>
    /// (never backwards), then writes with a compare-and-set on the warmup state of <paramref name="current"/> (a NULL
    /// column counts as <c>unwarmed</c>).
    /// </summary>
    /// <param name="current">The snapshot the caller read; its warmup state is the expected one.</param>
    /// <param name="newState">The new warmup state.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The assignment as stored.</returns>
    /// <exception cref="Lifecycles.InvalidStatusTransitionException">The lifecycle does not allow the move.</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The warmup state is no longer the one in <paramref name="current"/>.</exception>
    Task<DomainIpAssignment> ChangeWarmupStateAsync(DomainIpAssignment current, WarmupState newState, CancellationToken cancellationToken = default);

    /// <summary>Deletes an assignment. False when there was none.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<bool> DeleteAsync(DomainIpAssignmentId id, CancellationToken cancellationToken = default);
}
