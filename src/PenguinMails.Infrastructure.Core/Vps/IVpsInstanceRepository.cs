namespace PenguinMails.Infrastructure.Core.Vps;

/// <summary>
/// Reads and writes <c>vps_instances</c>. Implemented on PostgreSQL (<c>NpgsqlVpsInstanceRepository</c>) and in memory
/// (<c>InMemoryVpsInstanceRepository</c> in the Testing package), with the same behaviour.
/// </summary>
public interface IVpsInstanceRepository
{
    /// <summary>The instance with this id, or null.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<VpsInstance?> GetAsync(VpsInstanceId id, CancellationToken cancellationToken = default);

    /// <summary>The instance with this <c>hostwinds_instance_id</c>, or null.</summary>
    /// <param name="hostwindsInstanceId">The provider's instance id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<VpsInstance?> GetByHostwindsInstanceIdAsync(string hostwindsInstanceId, CancellationToken cancellationToken = default);

    /// <summary>One page of instances matching <paramref name="filter"/>, ordered by id.</summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="page">The page to read, or null for the first 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<Page<VpsInstance>> ListAsync(VpsInstanceFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>How many instances match <paramref name="filter"/>.</summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CountAsync(VpsInstanceFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts a new instance after validating it. <c>created</c> and <c>updated</c> are set from the store's clock; the
    /// status must be the lifecycle's initial one (<c>provisioning</c>).
    /// </summary>
    /// <param name="vps">The instance.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The instance as stored.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule, or the status is not the initial one.</exception>
    /// <exception cref="DuplicateEntityException">The id or <c>hostwinds_instance_id</c> is taken.</exception>
    Task<VpsInstance> AddAsync(VpsInstance vps, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes every column but <c>status</c>, <c>decommission_scheduled_for</c> and <c>created</c> (status changes go through
    /// <see cref="ChangeStatusAsync"/>), if the row is still as <paramref name="vps"/> was read: same
    /// <see cref="VpsInstance.Updated"/> and status (optimistic concurrency).
    /// </summary>
    /// <param name="vps">The changed snapshot, as read plus changes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The instance as stored, with a new <c>updated</c>.</returns>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The row changed since it was read.</exception>
    Task<VpsInstance> UpdateAsync(VpsInstance vps, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves an instance to <paramref name="newStatus"/>: checks the lifecycle, applies its side rules (entering
    /// <c>scheduled_decommission</c> sets <c>decommission_scheduled_for</c>, by default to the end of the current billing
    /// period; returning to <c>active</c> clears it) and writes with a compare-and-set on the status of
    /// <paramref name="current"/>, so that of two racing callers only one wins.
    /// </summary>
    /// <param name="current">The snapshot the caller read; its status is the expected one.</param>
    /// <param name="newStatus">The new status.</param>
    /// <param name="decommissionAt">For <c>scheduled_decommission</c>: the time, instead of the end of the billing period.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The instance as stored.</returns>
    /// <exception cref="Lifecycles.InvalidStatusTransitionException">The lifecycle does not allow the move.</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The status is no longer the one in <paramref name="current"/>.</exception>
    Task<VpsInstance> ChangeStatusAsync(
        VpsInstance current,
        VpsInstanceStatus newStatus,
        DateTimeOffset? decommissionAt = null,
        CancellationToken cancellationToken = default
    );

    /// <summary>Deletes an instance, and by cascade its SMTP IPs and their assignments. False when there was none.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<bool> DeleteAsync(VpsInstanceId id, CancellationToken cancellationToken = default);
}
