namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>The in-memory implementation of <see cref="IStaffRoleRepository"/>, behaving like the PostgreSQL one.</summary>
public sealed class InMemoryStaffRoleRepository : IStaffRoleRepository
{
    private const string Entity = nameof(StaffRole);
    private const string GrantEntity = nameof(StaffRolePermission);
    private const string StaleReason = "its name or description changed since it was read";
    private readonly StateSession _session;

    /// <summary>Initializes a repository over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    public InMemoryStaffRoleRepository(InMemoryInfraStore store)
        : this(new AutoCommitSession(store ?? throw new ArgumentNullException(nameof(store)))) { }

    internal InMemoryStaffRoleRepository(StateSession session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public async Task<StaffRole?> GetAsync(StaffRoleId id, CancellationToken cancellationToken = default)
    {
        return await _session.GetAsync(InMemoryStaffTables.Roles, id.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StaffRole?> GetByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        _session.Enter(cancellationToken);
        return 
            _session.Read().Table(InMemoryStaffTables.Roles).Values.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal))
        ;
    }

    /// <inheritdoc />
    public async Task<Page<StaffRole>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        _session.Enter(cancellationToken);
        var after = ContinuationToken.DecodeInt(page.ContinuationToken);
        return await InMemoryRows.PageAsync(
            _session
                .Read()
                .Table(InMemoryStaffTables.Roles)
                .Values.Where(r => after is null || r.Id.Value > after.Value),
            page.Limit,
            static x => ContinuationToken.Encode(x.Id.Value)
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return (long)_session.Read().Table(InMemoryStaffTables.Roles).Count;
    }

    /// <inheritdoc />
    public async Task<StaffRole> AddAsync(StaffRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(role);
        EntityValidation.EnsureValid(role);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(InMemoryStaffTables.Roles);
                if (table.ContainsKey(role.Id.Value))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                if (table.Values.Any(r => string.Equals(r.Name, role.Name, StringComparison.Ordinal)))
                {
                    throw new DuplicateEntityException(Entity, "name");
                }

                var stored = role with { Created = now };
                return (state.With(InMemoryStaffTables.Roles, table.Add(role.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StaffRole> UpdateAsync(StaffRole current, StaffRole changed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(changed);
        if (current.Id != changed.Id)
        {
            throw new ArgumentException("The current and the changed role must have the same id.", nameof(changed));
        }

        EntityValidation.EnsureValid(changed);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(InMemoryStaffTables.Roles);
                var actual = table.GetValueOrDefault(current.Id.Value) ?? throw new EntityNotFoundException(Entity, current.Id.ToString());
                if (
                    !string.Equals(actual.Name, current.Name, StringComparison.Ordinal)
                    || !string.Equals(actual.Description, current.Description, StringComparison.Ordinal)
                )
                {
                    throw InfraTelemetry.Conflict(new ConcurrencyConflictException(Entity, current.Id.ToString(), StaleReason));
                }

                if (table.Values.Any(r => r.Id != current.Id && string.Equals(r.Name, changed.Name, StringComparison.Ordinal)))
                {
                    throw new DuplicateEntityException(Entity, "name");
                }

                var stored = actual with { Name = changed.Name, Description = changed.Description };
                return (state.With(InMemoryStaffTables.Roles, table.SetItem(current.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(StaffRoleId id, CancellationToken cancellationToken = default) =>
        await _session.WriteAsync(
            state =>
            {
                var table = state.Table(InMemoryStaffTables.Roles);
                if (!table.ContainsKey(id.Value))
                {
                    return (state, false);
                }

                // The foreign keys have no ON DELETE action: referencing rows block the delete.
                if (state.Table(InMemoryStaffTables.Members).Values.Any(m => m.RoleId == id))
                {
                    throw new EntityInUseException(Entity, id.ToString(), StaffMember.TableName);
                }

                if (state.Table(InMemoryStaffTables.Grants).Keys.Any(k => k.RoleId == id.Value))
                {
                    throw new EntityInUseException(Entity, id.ToString(), StaffRolePermission.TableName);
                }

                return (state.With(InMemoryStaffTables.Roles, table.Remove(id.Value)), true);
            },
            cancellationToken
        ).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<bool> GrantAsync(StaffRoleId roleId, PermissionId permissionId, CancellationToken cancellationToken = default)
    {
        EntityValidation.EnsureValid(new StaffRolePermission { RoleId = roleId, PermissionId = permissionId });
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var grants = state.Table(InMemoryStaffTables.Grants);
                var key = (roleId.Value, permissionId.Value);
                if (grants.ContainsKey(key))
                {
                    return (state, false);
                }

                if (!state.Table(InMemoryStaffTables.Roles).ContainsKey(roleId.Value))
                {
                    throw new ReferencedEntityMissingException(GrantEntity, "role_id", StaffRole.TableName);
                }

                if (!InMemoryStaffTables.Permissions(state, _session.Store).ContainsKey(permissionId.Value))
                {
                    throw new ReferencedEntityMissingException(GrantEntity, "permission_id", Permission.TableName);
                }

                var grant = new StaffRolePermission { RoleId = roleId, PermissionId = permissionId, Created = now };
                return (state.With(InMemoryStaffTables.Grants, grants.Add(key, grant)), true);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> RevokeAsync(StaffRoleId roleId, PermissionId permissionId, CancellationToken cancellationToken = default) =>
        await _session.WriteAsync(
            state =>
            {
                var grants = state.Table(InMemoryStaffTables.Grants);
                var key = (roleId.Value, permissionId.Value);
                return grants.ContainsKey(key) ? (state.With(InMemoryStaffTables.Grants, grants.Remove(key)), true) : (state, false);
            },
            cancellationToken
        ).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Permission>> ListPermissionsAsync(StaffRoleId roleId, CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        var state = _session.Read();
        var permissions = InMemoryStaffTables.Permissions(state, _session.Store);
        IReadOnlyList<Permission> granted = state
            .Table(InMemoryStaffTables.Grants)
            .Keys.Where(k => k.RoleId == roleId.Value)
            .Select(k => permissions[k.PermissionId])
            .ToList();
        return granted;
    }
}
