namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>The in-memory implementation of <see cref="IFeatureFlagRepository"/>, behaving like the PostgreSQL one.</summary>
public sealed class InMemoryFeatureFlagRepository : IFeatureFlagRepository, IChangeFeedSource
{
    InfraChangeFeed? IChangeFeedSource.ChangeFeed => _session.Store.Changes;

    internal static readonly TableDef<Guid, FeatureFlag> Table = new(FeatureFlag.TableName, UuidOrder.Instance);

    private const string Entity = nameof(FeatureFlag);
    private readonly StateSession _session;

    /// <summary>Initializes a repository over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    public InMemoryFeatureFlagRepository(InMemoryInfraStore store)
        : this(new AutoCommitSession(store ?? throw new ArgumentNullException(nameof(store)))) { }

    internal InMemoryFeatureFlagRepository(StateSession session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public async Task<FeatureFlag?> GetAsync(FeatureFlagId id, CancellationToken cancellationToken = default)
    {
        return await _session.GetAsync(Table, id.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<FeatureFlag?> GetByKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        _session.Enter(cancellationToken);
        return _session.Read().Table(Table).Values.FirstOrDefault(f => string.Equals(f.Key, key, StringComparison.Ordinal));
    }

    /// <inheritdoc />
    public async Task<Page<FeatureFlag>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        _session.Enter(cancellationToken);
        var after = ContinuationToken.DecodeString(page.ContinuationToken);
        return await InMemoryRows.PageAsync(
            ByKey()
                .Where(f => after is null || string.CompareOrdinal(f.Key, after) > 0),
            page.Limit,
            static x => ContinuationToken.Encode(x.Key)
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FeatureFlag>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return ByKey().ToList();
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return (long)_session.Read().Table(Table).Count;
    }

    /// <inheritdoc />
    public async Task<FeatureFlag> AddAsync(FeatureFlag flag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flag);
        EntityValidation.EnsureValid(flag);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                if (table.ContainsKey(flag.Id.Value))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                if (table.Values.Any(f => string.Equals(f.Key, flag.Key, StringComparison.Ordinal)))
                {
                    throw new DuplicateEntityException(Entity, "key");
                }

                CheckReferences(state, flag);
                var stored = flag with { Updated = now };
                return (state.With(Table, table.Add(flag.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<FeatureFlag> UpdateAsync(FeatureFlag flag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flag);
        EntityValidation.EnsureValid(flag);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(flag.Id.Value) ?? throw new EntityNotFoundException(Entity, flag.Id.ToString());
                if (!string.Equals(actual.Key, flag.Key, StringComparison.Ordinal))
                {
                    throw Immutable("key");
                }

                InMemoryRows.EnsureNotUpdatedSince(actual.Updated, flag.Updated, Entity, flag.Id.ToString());

                CheckReferences(state, flag);
                var stored = actual with
                {
                    Description = flag.Description,
                    IsEnabled = flag.IsEnabled,
                    RolloutPercentage = flag.RolloutPercentage,
                    UpdatedBy = flag.UpdatedBy,
                    Updated = StoreClock.NextUpdated(now, actual.Updated),
                };
                return (state.With(Table, table.SetItem(flag.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(FeatureFlagId id, CancellationToken cancellationToken = default) =>
        await _session.DeleteAsync(Table, id.Value, cancellationToken).ConfigureAwait(false);

    private IEnumerable<FeatureFlag> ByKey() => _session.Read().Table(Table).Values.OrderBy(f => f.Key, StringComparer.Ordinal);

    /// <summary>Every flag of <paramref name="state"/> in key order, as <see cref="ListAllAsync"/> returns them.</summary>
    internal static IReadOnlyList<FeatureFlag> AllByKey(StoreState state) =>
        state.Table(Table).Values.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();

    private static void CheckReferences(StoreState state, FeatureFlag flag)
    {
        if (flag.UpdatedBy is { } user && !state.HasHost(HostTable.Users, user.Value))
        {
            throw new ReferencedEntityMissingException(Entity, "updated_by", "users");
        }
    }

    internal static EntityValidationException Immutable(string field) =>
        new(Entity, [new FieldError(field, "immutable", $"{field} cannot be changed by an update; delete the row and add a new one.")]);
}
