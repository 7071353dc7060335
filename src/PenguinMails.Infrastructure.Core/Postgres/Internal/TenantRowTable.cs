using System.Globalization;
using Npgsql;

namespace PenguinMails.Infrastructure.Core.Postgres.Internal;

/// <summary>
/// The statements and calls of a per-tenant table: one row per tenant, keyed by <c>tenant_id</c>, with
/// <c>created</c>/<c>updated</c> stamped by the store and <c>updated</c> as the concurrency token (<c>tenant_config</c>,
/// <c>tenant_policies</c>). The repository gives the columns, how a row binds and how it reads; every statement is
/// built once, from those names and numbered parameters only.
/// </summary>
/// <typeparam name="TRow">The entity.</typeparam>
internal sealed class TenantRowTable<TRow>
    where TRow : class, IValidatableEntity
{
    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _entity;
    private readonly Func<TRow, TenantId> _keyOf;
    private readonly Func<TRow, DateTimeOffset> _tokenOf;
    private readonly Action<NpgsqlParameterCollection, TRow> _bindColumns;
    private readonly Func<NpgsqlDataReader, TRow> _read;
    private readonly string _selectById;
    private readonly string _selectFirstPage;
    private readonly string _selectNextPage;
    private readonly string _count;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _delete;

    /// <param name="db">The executor.</param>
    /// <param name="time">The clock for <c>created</c>/<c>updated</c>.</param>
    /// <param name="entity">The entity's name in errors.</param>
    /// <param name="tableName">The table, without its schema.</param>
    /// <param name="selectExpressions">What a read selects, in the order <paramref name="read"/> reads it: <c>tenant_id</c>, the columns, <c>created</c>, <c>updated</c>.</param>
    /// <param name="columns">The columns between <c>tenant_id</c> and <c>created</c>, in the order <paramref name="bindColumns"/> binds them ($2, $3, ...).</param>
    /// <param name="keyOf">The row's tenant.</param>
    /// <param name="tokenOf">The row's <c>updated</c>, its concurrency token.</param>
    /// <param name="bindColumns">Binds <c>tenant_id</c> ($1), then <paramref name="columns"/>.</param>
    /// <param name="read">Maps one row of <paramref name="selectExpressions"/>.</param>
    public TenantRowTable(
        PgExecutor db,
        TimeProvider time,
        string entity,
        string tableName,
        string selectExpressions,
        IReadOnlyList<string> columns,
        Func<TRow, TenantId> keyOf,
        Func<TRow, DateTimeOffset> tokenOf,
        Action<NpgsqlParameterCollection, TRow> bindColumns,
        Func<NpgsqlDataReader, TRow> read
    )
    {
        _db = db;
        _time = time;
        _entity = entity;
        _keyOf = keyOf;
        _tokenOf = tokenOf;
        _bindColumns = bindColumns;
        _read = read;
        var table = SchemaName.Render("$(schema)." + tableName, db.Schema);
        var select = "SELECT " + selectExpressions + " FROM " + table;
        _selectById = select + " WHERE tenant_id = $1";
        _selectFirstPage = select + " ORDER BY tenant_id LIMIT $1";
        _selectNextPage = select + " WHERE tenant_id > $2 ORDER BY tenant_id LIMIT $1";
        _count = "SELECT count(*) FROM " + table;

        // $1 the tenant, $2.. the columns, then the store's time (created and updated), then (update) the token.
        var now = Parameter(columns.Count + 2);
        var values = string.Join(", ", Enumerable.Range(1, columns.Count + 1).Select(Parameter));
        _insert = "INSERT INTO " + table + " (tenant_id, " + string.Join(", ", columns) + ", created, updated) VALUES (" + values + ", " + now + ", " + now + ") RETURNING " + selectExpressions;
        var set = string.Join(", ", columns.Select((column, i) => column + " = " + Parameter(i + 2)));
        _update = "UPDATE " + table + " SET " + set + ", updated = GREATEST(" + now + ", updated + interval '1 microsecond') WHERE tenant_id = $1 AND updated = "
            + Parameter(columns.Count + 3) + " RETURNING " + selectExpressions;
        _delete = "DELETE FROM " + table + " WHERE tenant_id = $1";
    }

    private static string Parameter(int number) => "$" + number.ToString(CultureInfo.InvariantCulture);

    public Task<TRow?> GetAsync(TenantId tenantId, CancellationToken cancellationToken) =>
        _db.ExecuteAsync(Statement.Read, _entity, tenantId, _selectById, tenantId.Value, static (p, id) => p.Uuid(id), ReadOneAsync, cancellationToken);

    public Task<Page<TRow>> ListAsync(PageRequest? page, CancellationToken cancellationToken) =>
        _db.PageByUuidAsync(_entity, _selectFirstPage, _selectNextPage, page, _read, row => _keyOf(row).Value, cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken) => _db.CountAsync(_entity, _count, cancellationToken);

    /// <summary>Inserts a validated row, <c>created</c> and <c>updated</c> set to the store's time.</summary>
    public async Task<TRow> AddAsync(TRow row, CancellationToken cancellationToken)
    {
        EntityValidation.EnsureValid(row);
        var stored = await _db.ExecuteAsync(Statement.Write, _entity, _keyOf(row), _insert, (Table: this, Row: row, Now: StoreClock.Now(_time)), static (p, s) => s.Table.Bind(p, s.Row, s.Now), ReadOneAsync, cancellationToken)
            .ConfigureAwait(false);
        return stored!;
    }

    /// <summary>Updates a validated row while its <c>updated</c> still equals the row's token; else not found or a conflict.</summary>
    public async Task<TRow> UpdateAsync(TRow row, CancellationToken cancellationToken)
    {
        EntityValidation.EnsureValid(row);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                _entity,
                _keyOf(row),
                _update,
                (Table: this, Row: row, Now: StoreClock.Now(_time)),
                static (p, s) =>
                {
                    s.Table.Bind(p, s.Row, s.Now);
                    p.TimestampTz(s.Table._tokenOf(s.Row));
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        return stored
            ?? throw await PgReads.MissedAsync(GetAsync(_keyOf(row), cancellationToken), _entity, _keyOf(row).ToString()).ConfigureAwait(false);
    }

    public Task<bool> DeleteAsync(TenantId tenantId, CancellationToken cancellationToken) =>
        _db.DeleteAsync(_entity, tenantId, _delete, tenantId.Value, static (p, id) => p.Uuid(id), cancellationToken);

    private void Bind(NpgsqlParameterCollection p, TRow row, DateTimeOffset now)
    {
        _bindColumns(p, row);
        p.TimestampTz(now);
    }

    private Task<TRow?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, _read, cancellationToken);
}
