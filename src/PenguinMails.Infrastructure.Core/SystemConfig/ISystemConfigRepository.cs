namespace PenguinMails.Infrastructure.Core.SystemConfig;

/// <summary>
/// Reads and writes <c>system_config</c>. Implemented on PostgreSQL (<c>NpgsqlSystemConfigRepository</c>) and in memory
/// (<c>InMemorySystemConfigRepository</c> in the Testing package), with the same behaviour.
/// </summary>
/// <remarks>
/// Values are JSONB: PostgreSQL normalizes a value's whitespace, key order and duplicate keys, so compare values by JSON
/// content (<see cref="SystemConfigEntry"/> equality does). No exception thrown here contains a value.
/// </remarks>
public interface ISystemConfigRepository
{
    /// <summary>The entry with this key, or null.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<SystemConfigEntry?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of entries, in ordinal (byte, <c>COLLATE "C"</c>) order of the key; only those matching
    /// <paramref name="filter"/>.
    /// </summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="page">The page to read, or null for the first 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<Page<SystemConfigEntry>> ListAsync(SystemConfigFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>How many entries match <paramref name="filter"/>.</summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CountAsync(SystemConfigFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Inserts a new entry after validating it; <c>updated</c> is set from the store's clock.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry as stored.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="DuplicateEntityException">The key is taken (<see cref="DuplicateEntityException.Key"/> is <c>primary key</c>).</exception>
    /// <exception cref="ReferencedEntityMissingException"><c>updated_by</c> is not a user.</exception>
    Task<SystemConfigEntry> AddAsync(SystemConfigEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes every column of the entry if the row is still as <paramref name="entry"/> was read: same
    /// <see cref="SystemConfigEntry.Updated"/> (optimistic concurrency).
    /// </summary>
    /// <param name="entry">The changed snapshot, as read plus changes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry as stored, with a new <c>updated</c>.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="EntityNotFoundException">No such key.</exception>
    /// <exception cref="ConcurrencyConflictException">The row changed since it was read.</exception>
    /// <exception cref="ReferencedEntityMissingException"><c>updated_by</c> is not a user.</exception>
    Task<SystemConfigEntry> UpdateAsync(SystemConfigEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts the entry, or overwrites every column of the existing one with the same key (last writer wins, no
    /// optimistic check), in one atomic statement (<c>INSERT ... ON CONFLICT (key) DO UPDATE</c>): two racing callers
    /// never fail with a duplicate.
    /// </summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry as stored.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="ReferencedEntityMissingException"><c>updated_by</c> is not a user.</exception>
    Task<SystemConfigEntry> UpsertAsync(SystemConfigEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Deletes the entry. False when there was none.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);
}
