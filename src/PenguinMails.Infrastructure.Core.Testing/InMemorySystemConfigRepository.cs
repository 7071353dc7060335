namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>The in-memory implementation of <see cref="ISystemConfigRepository"/>, behaving like the PostgreSQL one.</summary>
public sealed class InMemorySystemConfigRepository : ISystemConfigRepository
{
    /// <summary>Keys in ordinal order: the order of <c>COLLATE "C"</c> for the (ASCII) keys.</summary>
    internal static readonly TableDef<string, SystemConfigEntry> Table = new(SystemConfigEntry.TableName, StringComparer.Ordinal);

    private const string Entity = nameof(SystemConfigEntry);
    private readonly StateSession _session;

    /// <summary>Initializes a repository over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    public InMemorySystemConfigRepository(InMemoryInfraStore store)
        : this(new AutoCommitSession(store ?? throw new ArgumentNullException(nameof(store)))) { }

    internal InMemorySystemConfigRepository(StateSession session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public async Task<SystemConfigEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await _session.GetAsync(Table, key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<SystemConfigEntry>> ListAsync(SystemConfigFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var category = filter?.Category;
        page ??= PageRequest.First;
        page.EnsureValid();
        _session.Enter(cancellationToken);
        var after = ContinuationToken.DecodeString(page.ContinuationToken);
        return await InMemoryRows.PageAsync(
            Matching(category)
                .Where(e => after is null || string.CompareOrdinal(e.Key, after) > 0),
            page.Limit,
            static x => ContinuationToken.Encode(x.Key)
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(SystemConfigFilter? filter = null, CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return (long)Matching(filter?.Category).Count();
    }

    /// <inheritdoc />
    public async Task<SystemConfigEntry> AddAsync(SystemConfigEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EntityValidation.EnsureValid(entry);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                if (table.ContainsKey(entry.Key))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                CheckReferences(state, entry);
                var stored = Stored(entry, now);
                return (state.With(Table, table.Add(entry.Key, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SystemConfigEntry> UpsertAsync(SystemConfigEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EntityValidation.EnsureValid(entry);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                CheckReferences(state, entry);
                var stored = table.GetValueOrDefault(entry.Key) is { } actual ? Stored(entry, StoreClock.NextUpdated(now, actual.Updated)) : Stored(entry, now);
                return (state.With(Table, table.SetItem(entry.Key, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SystemConfigEntry> UpdateAsync(SystemConfigEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EntityValidation.EnsureValid(entry);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(entry.Key) ?? throw new EntityNotFoundException(Entity, entry.Key);
                InMemoryRows.EnsureNotUpdatedSince(actual.Updated, entry.Updated, Entity, entry.Key);

                CheckReferences(state, entry);
                var stored = Stored(entry, StoreClock.NextUpdated(now, actual.Updated));
                return (state.With(Table, table.SetItem(entry.Key, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await _session.DeleteAsync(Table, key, cancellationToken).ConfigureAwait(false);
    }

    private static SystemConfigEntry Stored(SystemConfigEntry entry, DateTimeOffset updated) =>
        entry with { Value = JsonbSemantics.Normalize(entry.Value), Updated = updated };

    private static void CheckReferences(StoreState state, SystemConfigEntry entry)
    {
        if (entry.UpdatedBy is { } user && !state.HasHost(HostTable.Users, user.Value))
        {
            throw new ReferencedEntityMissingException(Entity, "updated_by", "users");
        }
    }

    private IEnumerable<SystemConfigEntry> Matching(string? category) =>
        _session.Read().Table(Table).Values.Where(e => category is null || string.Equals(e.Category, category, StringComparison.Ordinal));
}
