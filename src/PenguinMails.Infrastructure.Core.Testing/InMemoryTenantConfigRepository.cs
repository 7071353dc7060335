namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>The in-memory implementation of <see cref="ITenantConfigRepository"/>, behaving like the PostgreSQL one.</summary>
public sealed class InMemoryTenantConfigRepository : ITenantConfigRepository
{
    internal static readonly TableDef<Guid, TenantConfig> Table = new(TenantConfig.TableName, UuidOrder.Instance);

    private const string Entity = nameof(TenantConfig);
    private readonly StateSession _session;

    /// <summary>Initializes a repository over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    public InMemoryTenantConfigRepository(InMemoryInfraStore store)
        : this(new AutoCommitSession(store ?? throw new ArgumentNullException(nameof(store)))) { }

    internal InMemoryTenantConfigRepository(StateSession session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public async Task<TenantConfig?> GetAsync(TenantId tenantId, CancellationToken cancellationToken = default)
    {
        return await _session.GetAsync(Table, tenantId.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<TenantConfig>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default) =>
        await InMemoryRows.PageByUuidAsync(_session, page, after => InMemoryRows.After(_session.Read().Table(Table), null, after), static x => x.TenantId.Value, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return _session.Read().Table(Table).Count;
    }

    /// <inheritdoc />
    public async Task<TenantConfig> AddAsync(TenantConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        EntityValidation.EnsureValid(config);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                if (table.ContainsKey(config.TenantId.Value))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                if (!state.HasHost(HostTable.Tenants, config.TenantId.Value))
                {
                    throw new ReferencedEntityMissingException(Entity, "tenant_id", "tenants");
                }

                var stored = Stored(config, now, now);
                return (state.With(Table, table.Add(config.TenantId.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<TenantConfig> UpdateAsync(TenantConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        EntityValidation.EnsureValid(config);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(config.TenantId.Value) ?? throw new EntityNotFoundException(Entity, config.TenantId.ToString());
                InMemoryRows.EnsureNotUpdatedSince(actual.Updated, config.Updated, Entity, config.TenantId.ToString());

                var stored = Stored(config, actual.Created, StoreClock.NextUpdated(now, actual.Updated));
                return (state.With(Table, table.SetItem(config.TenantId.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(TenantId tenantId, CancellationToken cancellationToken = default) =>
        await _session.DeleteAsync(Table, tenantId.Value, cancellationToken).ConfigureAwait(false);

    /// <summary>The row as the JSONB column would give it back: the address goes through its JSON text.</summary>
    private static TenantConfig Stored(TenantConfig config, DateTimeOffset created, DateTimeOffset updated) =>
        config with
        {
            BillingAddress = config.BillingAddress is { } address ? BillingAddress.FromJson(address.ToJson()) : null,
            Created = created,
            Updated = updated,
        };
}
