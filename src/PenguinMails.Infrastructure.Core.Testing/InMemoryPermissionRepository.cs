namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// The in-memory implementation of <see cref="IPermissionRepository"/>, behaving like the PostgreSQL one. The store
/// starts with the well-known catalog (<see cref="WellKnownPermissions"/>), as a migrated database does.
/// </summary>
public sealed class InMemoryPermissionRepository : IPermissionRepository
{
    private const string Entity = nameof(Permission);
    private const string StaleReason = "its name, description or category changed since it was read";
    private readonly StateSession _session;

    /// <summary>Initializes a repository over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    public InMemoryPermissionRepository(InMemoryInfraStore store)
        : this(new AutoCommitSession(store ?? throw new ArgumentNullException(nameof(store)))) { }

    internal InMemoryPermissionRepository(StateSession session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public async Task<Permission?> GetAsync(PermissionId id, CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return Table().GetValueOrDefault(id.Value);
    }

    /// <inheritdoc />
    public async Task<Permission?> GetByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        _session.Enter(cancellationToken);
        return Table().Values.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
    }

    /// <inheritdoc />
    public async Task<Page<Permission>> ListAsync(PermissionFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        _session.Enter(cancellationToken);
        var after = ContinuationToken.DecodeInt(page.ContinuationToken);
        return await InMemoryRows.PageAsync(
            Matching(filter).Where(p => after is null || p.Id.Value > after.Value),
            page.Limit,
            static x => ContinuationToken.Encode(x.Id.Value)
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(PermissionFilter? filter = null, CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return (long)Matching(filter).Count();
    }

    /// <inheritdoc />
    public async Task<Permission> AddAsync(Permission permission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(permission);
        EntityValidation.EnsureValid(permission);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = InMemoryStaffTables.Permissions(state, _session.Store);
                if (table.ContainsKey(permission.Id.Value))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                if (table.Values.Any(p => string.Equals(p.Name, permission.Name, StringComparison.Ordinal)))
                {
                    throw new DuplicateEntityException(Entity, "name");
                }

                var stored = permission with { Created = now };
                return (InMemoryStaffTables.WithPermissions(state, table.Add(permission.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Permission> UpdateAsync(Permission current, Permission changed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(changed);
        if (current.Id != changed.Id)
        {
            throw new ArgumentException("The current and the changed permission must have the same id.", nameof(changed));
        }

        EntityValidation.EnsureValid(changed);
        return await _session.WriteAsync(
            state =>
            {
                var table = InMemoryStaffTables.Permissions(state, _session.Store);
                var actual = table.GetValueOrDefault(current.Id.Value) ?? throw new EntityNotFoundException(Entity, current.Id.ToString());
                if (
                    !string.Equals(actual.Name, current.Name, StringComparison.Ordinal)
                    || !string.Equals(actual.Description, current.Description, StringComparison.Ordinal)
                    || !string.Equals(actual.Category, current.Category, StringComparison.Ordinal)
                )
                {
                    throw InfraTelemetry.Conflict(new ConcurrencyConflictException(Entity, current.Id.ToString(), StaleReason));
                }

                if (table.Values.Any(p => p.Id != current.Id && string.Equals(p.Name, changed.Name, StringComparison.Ordinal)))
                {
                    throw new DuplicateEntityException(Entity, "name");
                }

                var stored = actual with { Name = changed.Name, Description = changed.Description, Category = changed.Category };
                return (InMemoryStaffTables.WithPermissions(state, table.SetItem(current.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(PermissionId id, CancellationToken cancellationToken = default) =>
        await _session.WriteAsync(
            state =>
            {
                var table = InMemoryStaffTables.Permissions(state, _session.Store);
                if (!table.ContainsKey(id.Value))
                {
                    return (state, false);
                }

                if (state.Table(InMemoryStaffTables.Grants).Keys.Any(k => k.PermissionId == id.Value))
                {
                    throw new EntityInUseException(Entity, id.ToString(), StaffRolePermission.TableName);
                }

                return (InMemoryStaffTables.WithPermissions(state, table.Remove(id.Value)), true);
            },
            cancellationToken
        ).ConfigureAwait(false);

    private Table<int, Permission> Table() => InMemoryStaffTables.Permissions(_session.Read(), _session.Store);

    private IEnumerable<Permission> Matching(PermissionFilter? filter) =>
        Table().Values.Where(p => filter?.Category is null || string.Equals(p.Category, filter.Category, StringComparison.Ordinal));
}
