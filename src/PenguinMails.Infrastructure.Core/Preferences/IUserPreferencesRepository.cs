namespace PenguinMails.Infrastructure.Core.Preferences;

/// <summary>
/// Reads and writes <c>user_preferences</c> (one row per user). Implemented on PostgreSQL
/// (<c>NpgsqlUserPreferencesRepository</c>) and in memory (<c>InMemoryUserPreferencesRepository</c> in the Testing
/// package), with the same behaviour.
/// </summary>
public interface IUserPreferencesRepository
{
    /// <summary>The row with this id, or null.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<UserPreferences?> GetAsync(UserPreferencesId id, CancellationToken cancellationToken = default);

    /// <summary>The preferences of this user, or null when the user has none stored.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<UserPreferences?> GetByUserIdAsync(UserId userId, CancellationToken cancellationToken = default);

    /// <summary>One page of rows, ordered by <c>id</c>.</summary>
    /// <param name="page">The page to read, or null for the first 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<Page<UserPreferences>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>How many rows the table holds.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts a user's preferences after validating them; <c>created</c> and <c>updated</c> are set from the store's clock.</summary>
    /// <param name="preferences">The preferences.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The preferences as stored.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="DuplicateEntityException">The id (<c>primary key</c>) is taken, or the user already has a row (<c>user_id</c>).</exception>
    /// <exception cref="ReferencedEntityMissingException"><c>user_id</c> is not a user.</exception>
    Task<UserPreferences> AddAsync(UserPreferences preferences, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes every column but <c>id</c>, <c>user_id</c> and <c>created</c> if the row is still as
    /// <paramref name="preferences"/> was read: same <see cref="UserPreferences.Updated"/> (optimistic concurrency).
    /// </summary>
    /// <param name="preferences">The changed snapshot, as read plus changes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The preferences as stored, with a new <c>updated</c>.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule, or <c>user_id</c> differs from the stored one (rule <c>immutable</c>).</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The row changed since it was read.</exception>
    Task<UserPreferences> UpdateAsync(UserPreferences preferences, CancellationToken cancellationToken = default);

    /// <summary>Deletes a row. False when there was none.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<bool> DeleteAsync(UserPreferencesId id, CancellationToken cancellationToken = default);
}
