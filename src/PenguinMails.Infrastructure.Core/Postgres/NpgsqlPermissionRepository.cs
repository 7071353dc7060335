using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL implementation of <see cref="IPermissionRepository"/> on a singleton <see cref="NpgsqlDataSource"/>.</summary>
public sealed class NpgsqlPermissionRepository : IPermissionRepository
{
    private const string Entity = nameof(Permission);

    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    internal const string Columns = "id, name, description, category, created";

    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _select;
    private readonly string _selectById;
    private readonly string _selectByName;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _delete;
    private readonly string _count;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>created</c>; the system clock by default.</param>
    public NpgsqlPermissionRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlPermissionRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        var table = SchemaName.Render("$(schema).permissions", db.Schema);
        _select = "SELECT " + Columns + " FROM " + table;
        _selectById = _select + " WHERE id = $1";
        _selectByName = _select + " WHERE name = $1";
        _insert = "INSERT INTO " + table + " (" + Columns + ") VALUES ($1, $2, $3, $4, $5) RETURNING " + Columns;
        _update =
            "UPDATE " + table + " SET name = $2, description = $3, category = $4 "
            + "WHERE id = $1 AND name IS NOT DISTINCT FROM $5 AND description IS NOT DISTINCT FROM $6 AND category IS NOT DISTINCT FROM $7 "
            + "RETURNING " + Columns;
        _delete = "DELETE FROM " + table + " WHERE id = $1";
        _count = "SELECT count(*) FROM " + table;
    }

    /// <inheritdoc />
    public Task<Permission?> GetAsync(PermissionId id, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(Statement.Read, Entity, id, _selectById, id.Value, static (p, id) => p.Int(id), ReadOneAsync, cancellationToken);

    /// <inheritdoc />
    public Task<Permission?> GetByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        if (FailedTask.IfNull<Permission?>(name, nameof(name)) is { } failed)
        {
            return failed;
        }

        return _db.ExecuteAsync(Statement.Read, Entity, name, _selectByName, name, static (p, n) => p.Text(n), ReadOneAsync, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Page<Permission>> ListAsync(PermissionFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        var after = ContinuationToken.DecodeInt(page.ContinuationToken);
        var sql = _select + Where(filter, after) + " ORDER BY id LIMIT $3";
        return await _db.PageAsync(
                Entity,
                sql,
                (filter, after, page.Limit),
                static (p, s) =>
                {
                    p.Text(s.filter?.Category);
                    p.Int(s.after);
                    p.Int(s.Limit + 1);
                },
                Read,
                page.Limit,
                static x => ContinuationToken.Encode(x.Id.Value),
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<long> CountAsync(PermissionFilter? filter = null, CancellationToken cancellationToken = default) =>
        _db.ExecuteStaleReadAsync(
            Entity,
            "count",
            _count + Where(filter, null),
            filter,
            static (p, f) =>
            {
                p.Text(f?.Category);
                p.Int(null);
            },
            PgReads.CountAsync,
            cancellationToken
        );

    /// <inheritdoc />
    public async Task<Permission> AddAsync(Permission permission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(permission);
        EntityValidation.EnsureValid(permission);
        var now = StoreClock.Now(_time);
        var stored = await _db.ReportAsync(_db.ExecuteAsync(
                Statement.Write,
                Entity,
                permission.Id,
                _insert,
                (permission, now),
                static (p, s) =>
                {
                    p.Int(s.permission.Id.Value);
                    p.Text(s.permission.Name);
                    p.Text(s.permission.Description);
                    p.Text(s.permission.Category);
                    p.TimestampTz(s.now);
                },
                ReadOneAsync,
                cancellationToken
            ), ChangedAreas.Staff)
            .ConfigureAwait(false);
        return stored!;
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
                    p.Text(s.changed.Category);
                    p.Text(s.current.Name);
                    p.Text(s.current.Description);
                    p.Text(s.current.Category);
                },
                ReadOneAsync,
                cancellationToken
            ), ChangedAreas.Staff)
            .ConfigureAwait(false);
        return stored
            ?? throw await PgReads.MissedAsync(GetAsync(current.Id, cancellationToken), Entity, current.Id.ToString(), StaleReason).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(PermissionId id, CancellationToken cancellationToken = default) =>
        _db.ReportAsync(_db.DeleteAsync(Entity, id, _delete, id.Value, static (p, id) => p.Int(id), cancellationToken), ChangedAreas.Staff);

    /// <summary>The reason of the conflict when a permission's values changed since they were read.</summary>
    internal const string StaleReason = "its name, description or category changed since it was read";

    // Fragments are constants; values are parameters $1 (category), $2 (after).
    private static string Where(PermissionFilter? filter, int? after) =>
        PgWhere.Of(
            "($1::text IS NULL OR TRUE) AND ($2::integer IS NULL OR TRUE)",
            filter?.Category is not null ? "category = $1" : null,
            after is not null ? "id > $2" : null
        );

    private static Task<Permission?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, Read, cancellationToken);

    /// <summary>Reads a row selected with <see cref="Columns"/>.</summary>
    internal static Permission Read(NpgsqlDataReader r)
    {
        var id = r.GetInt32(0);
        var key = new RowKey(id);
        return new Permission
        {
            Id = new PermissionId(id),
            Name = r.TextOrNull(1) ?? throw new UnknownDatabaseValueException(Permission.TableName, "name", null, key.ToString()),
            Description = r.TextOrNull(2),
            Category = r.TextOrNull(3) ?? throw new UnknownDatabaseValueException(Permission.TableName, "category", null, key.ToString()),
            Created = r.RequiredTimestamp(4, Permission.TableName, key),
        };
    }
}
