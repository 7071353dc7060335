using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL implementation of <see cref="IStaffRoleRepository"/> on a singleton <see cref="NpgsqlDataSource"/>.</summary>
public sealed class NpgsqlStaffRoleRepository : IStaffRoleRepository
{
    private const string Entity = nameof(StaffRole);
    private const string GrantEntity = nameof(StaffRolePermission);
    private const string Columns = "id, name, description, created";

    /// <summary>The reason of the conflict when a role's values changed since they were read.</summary>
    internal const string StaleReason = "its name or description changed since it was read";

    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _selectById;
    private readonly string _selectByName;
    private readonly string _list;
    private readonly string _listAfter;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _delete;
    private readonly string _count;
    private readonly string _grant;
    private readonly string _revoke;
    private readonly string _permissionsOf;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>created</c>; the system clock by default.</param>
    public NpgsqlStaffRoleRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlStaffRoleRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        var table = SchemaName.Render("$(schema).staff_roles", db.Schema);
        var grants = SchemaName.Render("$(schema).staff_role_permissions", db.Schema);
        var permissions = SchemaName.Render("$(schema).permissions", db.Schema);
        var select = "SELECT " + Columns + " FROM " + table;
        _selectById = select + " WHERE id = $1";
        _selectByName = select + " WHERE name = $1";
        _list = select + " WHERE ($2::integer IS NULL OR TRUE) ORDER BY id LIMIT $1";
        _listAfter = select + " WHERE id > $2 ORDER BY id LIMIT $1";
        _insert = "INSERT INTO " + table + " (" + Columns + ") VALUES ($1, $2, $3, $4) RETURNING " + Columns;
        _update =
            "UPDATE " + table + " SET name = $2, description = $3 "
            + "WHERE id = $1 AND name IS NOT DISTINCT FROM $4 AND description IS NOT DISTINCT FROM $5 RETURNING " + Columns;
        _delete = "DELETE FROM " + table + " WHERE id = $1";
        _count = "SELECT count(*) FROM " + table;
        _grant = "INSERT INTO " + grants + " (role_id, permission_id, created) VALUES ($1, $2, $3) ON CONFLICT (role_id, permission_id) DO NOTHING";
        _revoke = "DELETE FROM " + grants + " WHERE role_id = $1 AND permission_id = $2";
        _permissionsOf =
            "SELECT p.id, p.name, p.description, p.category, p.created FROM " + permissions + " p JOIN " + grants
            + " g ON g.permission_id = p.id WHERE g.role_id = $1 ORDER BY p.id";
    }

    /// <inheritdoc />
    public Task<StaffRole?> GetAsync(StaffRoleId id, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(Statement.Read, Entity, id, _selectById, id.Value, static (p, id) => p.Int(id), ReadOneAsync, cancellationToken);

    /// <inheritdoc />
    public Task<StaffRole?> GetByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        if (FailedTask.IfNull<StaffRole?>(name, nameof(name)) is { } failed)
        {
            return failed;
        }

        return _db.ExecuteAsync(Statement.Read, Entity, name, _selectByName, name, static (p, n) => p.Text(n), ReadOneAsync, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Page<StaffRole>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        var after = ContinuationToken.DecodeInt(page.ContinuationToken);
        return await _db.PageAsync(
                Entity,
                after is null ? _list : _listAfter,
                (after, page.Limit),
                static (p, s) =>
                {
                    p.Int(s.Limit + 1);
                    p.Int(s.after);
                },
                Read,
                page.Limit,
                static x => ContinuationToken.Encode(x.Id.Value),
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        _db.ExecuteStaleReadAsync(
            Entity,
            "count",
            _count,
            0,
            static (_, _) => { },
            PgReads.CountAsync,
            cancellationToken
        );

    /// <inheritdoc />
    public async Task<StaffRole> AddAsync(StaffRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(role);
        EntityValidation.EnsureValid(role);
        var now = StoreClock.Now(_time);
        var stored = await _db.ReportAsync(_db.ExecuteAsync(
                Statement.Write,
                Entity,
                role.Id,
                _insert,
                (role, now),
                static (p, s) =>
                {
                    p.Int(s.role.Id.Value);
                    p.Text(s.role.Name);
                    p.Text(s.role.Description);
                    p.TimestampTz(s.now);
                },
                ReadOneAsync,
                cancellationToken
            ), ChangedAreas.Staff)
            .ConfigureAwait(false);
        return stored!;
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
        var stored = await _db.ReportAsync(_db.ExecuteAsync(
                Statement.Write,
                Entity,
                current.Id,
                _update,
                (current, changed),
                static (p, s) =>
                {
                    p.Int(s.current.Id.Value);
                    p.Text(s.changed.Name);
                    p.Text(s.changed.Description);
                    p.Text(s.current.Name);
                    p.Text(s.current.Description);
                },
                ReadOneAsync,
                cancellationToken
            ), ChangedAreas.Staff)
            .ConfigureAwait(false);
        return stored
            ?? throw await PgReads.MissedAsync(GetAsync(current.Id, cancellationToken), Entity, current.Id.ToString(), StaleReason).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(StaffRoleId id, CancellationToken cancellationToken = default) =>
        _db.ReportAsync(_db.DeleteAsync(Entity, id, _delete, id.Value, static (p, id) => p.Int(id), cancellationToken), ChangedAreas.Staff);

    /// <inheritdoc />
    public async Task<bool> GrantAsync(StaffRoleId roleId, PermissionId permissionId, CancellationToken cancellationToken = default)
    {
        EntityValidation.EnsureValid(new StaffRolePermission { RoleId = roleId, PermissionId = permissionId });
        var now = StoreClock.Now(_time);
        return await _db.ReportAsync(_db.ExecuteAsync(
            Statement.Write,
            GrantEntity,
            GrantKey(roleId, permissionId),
            _grant,
            (roleId, permissionId, now),
            static (p, s) =>
            {
                p.Int(s.roleId.Value);
                p.Int(s.permissionId.Value);
                p.TimestampTz(s.now);
            },
            PgReads.AffectedAsync,
            cancellationToken
        ), ChangedAreas.Staff).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> RevokeAsync(StaffRoleId roleId, PermissionId permissionId, CancellationToken cancellationToken = default) =>
        _db.ReportAsync(_db.ExecuteAsync(
            Statement.Write,
            GrantEntity,
            GrantKey(roleId, permissionId),
            _revoke,
            (roleId, permissionId),
            static (p, s) =>
            {
                p.Int(s.roleId.Value);
                p.Int(s.permissionId.Value);
            },
            PgReads.AffectedAsync,
            cancellationToken
        ), ChangedAreas.Staff);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Permission>> ListPermissionsAsync(StaffRoleId roleId, CancellationToken cancellationToken = default) =>
        await _db.ExecuteAsync(
                Statement.Read,
                GrantEntity,
                roleId,
                _permissionsOf,
                roleId.Value,
                static (p, id) => p.Int(id),
                static (r, _, ct) => PgReads.AllAsync(r, NpgsqlPermissionRepository.Read, ct),
                cancellationToken
            )
            .ConfigureAwait(false);

    /// <summary>The key of a grant in messages: <c>role_id/permission_id</c>.</summary>
    internal static string GrantKey(StaffRoleId roleId, PermissionId permissionId) => roleId + "/" + permissionId;

    private static Task<StaffRole?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, Read, cancellationToken);

    private static StaffRole Read(NpgsqlDataReader r)
    {
        var id = r.GetInt32(0);
        var key = new RowKey(id);
        return new StaffRole
        {
            Id = new StaffRoleId(id),
            Name = r.TextOrNull(1) ?? throw new UnknownDatabaseValueException(StaffRole.TableName, "name", null, key.ToString()),
            Description = r.TextOrNull(2),
            Created = r.RequiredTimestamp(3, StaffRole.TableName, key),
        };
    }
}
