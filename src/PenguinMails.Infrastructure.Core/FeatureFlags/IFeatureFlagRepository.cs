namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// Reads and writes <c>feature_flags</c>. Implemented on PostgreSQL (<c>NpgsqlFeatureFlagRepository</c>) and in memory
/// (<c>InMemoryFeatureFlagRepository</c> in the Testing package), with the same behaviour.
/// </summary>
/// <remarks>
/// Lists are ordered by the flag's unique key in ordinal (byte, <c>COLLATE "C"</c>) order. A flag's key is fixed once
/// added (it seeds the rollout bucketing): <see cref="UpdateAsync"/> rejects a changed key.
/// </remarks>
public interface IFeatureFlagRepository
{
    /// <summary>The flag with this id, or null.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<FeatureFlag?> GetAsync(FeatureFlagId id, CancellationToken cancellationToken = default);

    /// <summary>The flag with this key, or null.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<FeatureFlag?> GetByKeyAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>One page of flags, ordered by key.</summary>
    /// <param name="page">The page to read, or null for the first 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<Page<FeatureFlag>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>Every flag, ordered by key, in one read: the input of an evaluator snapshot.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IReadOnlyList<FeatureFlag>> ListAllAsync(CancellationToken cancellationToken = default);

    /// <summary>How many flags there are.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts a new flag after validating it; <c>updated</c> is set from the store's clock.</summary>
    /// <param name="flag">The flag.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The flag as stored.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="DuplicateEntityException">The id (<c>primary key</c>) or the <c>key</c> is taken.</exception>
    /// <exception cref="ReferencedEntityMissingException"><c>updated_by</c> is not a user.</exception>
    Task<FeatureFlag> AddAsync(FeatureFlag flag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <c>description</c>, <c>is_enabled</c>, <c>rollout_percentage</c> and <c>updated_by</c> if the row is still
    /// as <paramref name="flag"/> was read: same <see cref="FeatureFlag.Updated"/> (optimistic concurrency).
    /// </summary>
    /// <param name="flag">The changed snapshot, as read plus changes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The flag as stored, with a new <c>updated</c>.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule, or the key differs from the stored one (rule <c>immutable</c>).</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The row changed since it was read.</exception>
    /// <exception cref="ReferencedEntityMissingException"><c>updated_by</c> is not a user.</exception>
    Task<FeatureFlag> UpdateAsync(FeatureFlag flag, CancellationToken cancellationToken = default);

    /// <summary>Deletes a flag. False when there was none.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<bool> DeleteAsync(FeatureFlagId id, CancellationToken cancellationToken = default);
}
