namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>
/// Reads and writes <c>smtp_ip_addresses</c>. Implemented on PostgreSQL (<c>NpgsqlSmtpIpAddressRepository</c>) and in
/// memory (<c>InMemorySmtpIpAddressRepository</c> in the Testing package), with the same behaviour.
/// </summary>
public interface ISmtpIpAddressRepository
{
    /// <summary>The IP with this id, or null.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<SmtpIpAddress?> GetAsync(SmtpIpAddressId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The IP with this address within one VPS instance, or null. The address is compared exactly (the library stores
    /// canonical forms, see <see cref="SmtpIpAddress.IpAddress"/>). The schema has no unique key on
    /// (<c>vps_instance_id</c>, <c>ip_address</c>) (the seed defines none), so when several rows match, the one with
    /// the lowest id (PostgreSQL uuid order) is returned.
    /// </summary>
    /// <param name="vpsInstanceId">The VPS instance.</param>
    /// <param name="ipAddress">The address, in canonical form.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<SmtpIpAddress?> GetByAddressAsync(VpsInstanceId vpsInstanceId, string ipAddress, CancellationToken cancellationToken = default);

    /// <summary>One page of IPs matching <paramref name="filter"/>, ordered by id.</summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="page">The page to read, or null for the first 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentOutOfRangeException">The page limit is outside 1..1000.</exception>
    /// <exception cref="ArgumentException">The continuation token is not one this library issued.</exception>
    Task<Page<SmtpIpAddress>> ListAsync(SmtpIpAddressFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>How many IPs match <paramref name="filter"/>.</summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CountAsync(SmtpIpAddressFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts a new IP after validating it. <c>created</c> and <c>updated</c> are set from the store's clock; the
    /// status must be the lifecycle's initial one (<c>available</c>).
    /// </summary>
    /// <param name="ip">The IP.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The IP as stored.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule, or the status is not the initial one.</exception>
    /// <exception cref="DuplicateEntityException">The id is taken (<see cref="DuplicateEntityException.Key"/> <c>primary key</c>).</exception>
    /// <exception cref="ReferencedEntityMissingException">The <c>vps_instance_id</c> names no <c>vps_instances</c> row.</exception>
    Task<SmtpIpAddress> AddAsync(SmtpIpAddress ip, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes every column but <c>status</c> (see <see cref="ChangeStatusAsync"/>), <c>assigned_count</c> (see
    /// <see cref="AdjustAssignedCountAsync"/>) and <c>created</c>, if the row is still as <paramref name="ip"/> was
    /// read: same <see cref="SmtpIpAddress.Updated"/> and status (optimistic concurrency).
    /// </summary>
    /// <param name="ip">The changed snapshot, as read plus changes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The IP as stored, with a new <c>updated</c>.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The row changed since it was read.</exception>
    /// <exception cref="ReferencedEntityMissingException">The <c>vps_instance_id</c> names no <c>vps_instances</c> row.</exception>
    Task<SmtpIpAddress> UpdateAsync(SmtpIpAddress ip, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves an IP to <paramref name="newStatus"/>: checks the lifecycle (<see cref="SmtpIpAddressLifecycle"/>), then
    /// writes with a compare-and-set on the status of <paramref name="current"/>, so that of two racing callers only
    /// one wins. No other column changes but <c>updated</c>.
    /// </summary>
    /// <param name="current">The snapshot the caller read; its status is the expected one.</param>
    /// <param name="newStatus">The new status.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The IP as stored.</returns>
    /// <exception cref="Lifecycles.InvalidStatusTransitionException">The lifecycle does not allow the move.</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The status is no longer the one in <paramref name="current"/>.</exception>
    Task<SmtpIpAddress> ChangeStatusAsync(SmtpIpAddress current, SmtpIpAddressStatus newStatus, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="delta"/> to <c>assigned_count</c> atomically in the store (<c>assigned_count =
    /// assigned_count + delta</c>, no read-modify-write, so concurrent callers never lose an increment), and moves
    /// <c>updated</c>. The count never goes below 0 nor above <see cref="int.MaxValue"/>: such a change is rejected and
    /// nothing is written. Used by the assignment flow (one more or one fewer domain on the IP).
    /// </summary>
    /// <param name="id">The IP.</param>
    /// <param name="delta">The change, for example +1 or -1.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The IP as stored.</returns>
    /// <exception cref="EntityValidationException">The count would leave 0..<see cref="int.MaxValue"/> (field <c>assigned_count</c>).</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    Task<SmtpIpAddress> AdjustAssignedCountAsync(SmtpIpAddressId id, int delta, CancellationToken cancellationToken = default);

    /// <summary>Deletes an IP, and by cascade its domain assignments. False when there was none.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<bool> DeleteAsync(SmtpIpAddressId id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts many new IPs at once, all or nothing (on PostgreSQL through binary COPY in one transaction, or in the
    /// unit of work's). Every row is validated first as <see cref="AddAsync"/> validates one, and the batch must not
    /// hold the same id, nor the same (<c>vps_instance_id</c>, <c>ip_address</c>), twice; every failure of every row is
    /// reported in one <see cref="EntityValidationException"/> whose field names carry the row index, such as
    /// <c>[3].ip_address</c>, before anything is sent to the store. <c>created</c> and <c>updated</c> of every row are
    /// the store's current time.
    /// </summary>
    /// <param name="ips">The new IPs; an empty collection imports nothing.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is stored.</param>
    /// <returns>The number of rows imported (the size of the batch).</returns>
    /// <exception cref="EntityValidationException">A row breaks a rule, or the batch repeats a row.</exception>
    /// <exception cref="DuplicateEntityException">A row's id is already stored; nothing was imported.</exception>
    /// <exception cref="ReferencedEntityMissingException">A row's <c>vps_instance_id</c> names no <c>vps_instances</c> row; nothing was imported.</exception>
    Task<int> BulkImportAsync(IReadOnlyCollection<SmtpIpAddress> ips, CancellationToken cancellationToken = default);
}
