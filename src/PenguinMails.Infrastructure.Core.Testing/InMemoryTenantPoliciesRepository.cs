namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>The in-memory implementation of <see cref="ITenantPoliciesRepository"/>, behaving like the PostgreSQL one.</summary>
public sealed class InMemoryTenantPoliciesRepository : ITenantPoliciesRepository
{
    internal static readonly TableDef<Guid, TenantPolicies> Table = new(TenantPolicies.TableName, UuidOrder.Instance);

    private const string Entity = nameof(TenantPolicies);
    private readonly StateSession _session;

    /// <summary>Initializes a repository over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    public InMemoryTenantPoliciesRepository(InMemoryInfraStore store)
        : this(new AutoCommitSession(store ?? throw new ArgumentNullException(nameof(store)))) { }

    internal InMemoryTenantPoliciesRepository(StateSession session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public async Task<TenantPolicies?> GetAsync(TenantId tenantId, CancellationToken cancellationToken = default)
    {
        return await _session.GetAsync(Table, tenantId.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<TenantPolicies>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default) =>
        await InMemoryRows.PageByUuidAsync(_session, page, after => InMemoryRows.After(_session.Read().Table(Table), null, after), static x => x.TenantId.Value, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return _session.Read().Table(Table).Count;
    }

    /// <inheritdoc />
    public async Task<TenantPolicies> AddAsync(TenantPolicies policies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policies);
        EntityValidation.EnsureValid(policies);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                if (table.ContainsKey(policies.TenantId.Value))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                if (!state.HasHost(HostTable.Tenants, policies.TenantId.Value))
                {
                    throw new ReferencedEntityMissingException(Entity, "tenant_id", "tenants");
                }

                var stored = Stored(policies, now, now);
                return (state.With(Table, table.Add(policies.TenantId.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<TenantPolicies> UpdateAsync(TenantPolicies policies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policies);
        EntityValidation.EnsureValid(policies);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(policies.TenantId.Value) ?? throw new EntityNotFoundException(Entity, policies.TenantId.ToString());
                InMemoryRows.EnsureNotUpdatedSince(actual.Updated, policies.Updated, Entity, policies.TenantId.ToString());

                var stored = Stored(policies, actual.Created, StoreClock.NextUpdated(now, actual.Updated));
                return (state.With(Table, table.SetItem(policies.TenantId.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(TenantId tenantId, CancellationToken cancellationToken = default) =>
        await _session.DeleteAsync(Table, tenantId.Value, cancellationToken).ConfigureAwait(false);

    private static TenantPolicies Stored(TenantPolicies policies, DateTimeOffset created, DateTimeOffset updated) =>
        policies with { Created = created, Updated = updated };
}
