namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>The in-memory implementation of <see cref="IUserPreferencesRepository"/>, behaving like the PostgreSQL one.</summary>
public sealed class InMemoryUserPreferencesRepository : IUserPreferencesRepository
{
    internal static readonly TableDef<Guid, UserPreferences> Table = new(UserPreferences.TableName, UuidOrder.Instance);

    private const string Entity = nameof(UserPreferences);
    private readonly StateSession _session;

    /// <summary>Initializes a repository over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    public InMemoryUserPreferencesRepository(InMemoryInfraStore store)
        : this(new AutoCommitSession(store ?? throw new ArgumentNullException(nameof(store)))) { }

    internal InMemoryUserPreferencesRepository(StateSession session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public async Task<UserPreferences?> GetAsync(UserPreferencesId id, CancellationToken cancellationToken = default)
    {
        return await _session.GetAsync(Table, id.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<UserPreferences?> GetByUserIdAsync(UserId userId, CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return _session.Read().Table(Table).Values.FirstOrDefault(p => p.UserId == userId);
    }

    /// <inheritdoc />
    public async Task<Page<UserPreferences>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default) =>
        await InMemoryRows.PageByUuidAsync(_session, page, after => InMemoryRows.After(_session.Read().Table(Table), null, after), static x => x.Id.Value, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return _session.Read().Table(Table).Count;
    }

    /// <inheritdoc />
    public async Task<UserPreferences> AddAsync(UserPreferences preferences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        EntityValidation.EnsureValid(preferences);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                if (table.ContainsKey(preferences.Id.Value))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                if (table.Values.Any(p => p.UserId == preferences.UserId))
                {
                    throw new DuplicateEntityException(Entity, "user_id");
                }

                if (!state.HasHost(HostTable.Users, preferences.UserId.Value))
                {
                    throw new ReferencedEntityMissingException(Entity, "user_id", "users");
                }

                var stored = preferences with { Created = now, Updated = now };
                return (state.With(Table, table.Add(preferences.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<UserPreferences> UpdateAsync(UserPreferences preferences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        EntityValidation.EnsureValid(preferences);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(preferences.Id.Value) ?? throw new EntityNotFoundException(Entity, preferences.Id.ToString());
                if (actual.UserId != preferences.UserId)
                {
                    throw new EntityValidationException(
                        Entity,
                        [new FieldError("user_id", "immutable", "user_id cannot be changed by an update; delete the row and add a new one.")]
                    );
                }

                InMemoryRows.EnsureNotUpdatedSince(actual.Updated, preferences.Updated, Entity, preferences.Id.ToString());

                var stored = preferences with { Created = actual.Created, Updated = StoreClock.NextUpdated(now, actual.Updated) };
                return (state.With(Table, table.SetItem(preferences.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(UserPreferencesId id, CancellationToken cancellationToken = default) =>
        await _session.DeleteAsync(Table, id.Value, cancellationToken).ConfigureAwait(false);
}
