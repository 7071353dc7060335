using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL implementation of <see cref="ISystemConfigRepository"/> on a singleton <see cref="NpgsqlDataSource"/>.</summary>
public sealed class NpgsqlSystemConfigRepository : ISystemConfigRepository
{
    private const string Entity = nameof(SystemConfigEntry);

    private const string Columns = "key, value::text, description, category, is_sensitive, updated_by, updated";

    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _select;
    private readonly string _selectByKey;
    private readonly string _insert;
    private readonly string _upsert;
    private readonly string _update;
    private readonly string _delete;
    private readonly string _count;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>updated</c>; the system clock by default.</param>
    public NpgsqlSystemConfigRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlSystemConfigRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        var table = SchemaName.Render("$(schema).system_config", db.Schema);
        _select = "SELECT " + Columns + " FROM " + table;
        _selectByKey = _select + " WHERE key = $1";
        const string Insert = " (key, value, description, category, is_sensitive, updated_by, updated) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        _insert = "INSERT INTO " + table + Insert + " RETURNING " + Columns;
        _upsert =
            "INSERT INTO " + table + " AS t" + Insert + " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, description = EXCLUDED.description, "
            + "category = EXCLUDED.category, is_sensitive = EXCLUDED.is_sensitive, updated_by = EXCLUDED.updated_by, "
            + "updated = GREATEST(EXCLUDED.updated, t.updated + interval '1 microsecond') RETURNING " + Columns;
        _update =
            "UPDATE " + table + " SET value = $2, description = $3, category = $4, is_sensitive = $5, updated_by = $6, "
            + "updated = GREATEST($7, updated + interval '1 microsecond') WHERE key = $1 AND updated = $8 RETURNING " + Columns;
        _delete = "DELETE FROM " + table + " WHERE key = $1";
        _count = "SELECT count(*) FROM " + table;
    }

    /// <inheritdoc />
    public Task<SystemConfigEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        if (FailedTask.IfNull<SystemConfigEntry?>(key, nameof(key)) is { } failed)
        {
            return failed;
        }

        return _db.ExecuteAsync(Statement.Read, Entity, key, _selectByKey, key, static (p, k) => p.Text(k), ReadOneAsync, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Page<SystemConfigEntry>> ListAsync(SystemConfigFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var category = filter?.Category;
        page ??= PageRequest.First;
        page.EnsureValid();
        var after = ContinuationToken.DecodeString(page.ContinuationToken);
        var sql = _select + Where(category, after) + " ORDER BY key COLLATE \"C\" LIMIT $3";
        return await _db.PageAsync(
                Entity,
                sql,
                (category, after, page.Limit),
                static (p, s) =>
                {
                    p.Text(s.category);
                    p.Text(s.after);
                    p.Int(s.Limit + 1);
                },
                Read,
                page.Limit,
                static x => ContinuationToken.Encode(x.Key),
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<long> CountAsync(SystemConfigFilter? filter = null, CancellationToken cancellationToken = default) =>
        _db.ExecuteStaleReadAsync(
            Entity,
            "count",
            _count + Where(filter?.Category, null),
            filter?.Category,
            static (p, c) =>
            {
                p.Text(c);
                p.Text(null);
            },
            PgReads.CountAsync,
            cancellationToken
        );

    /// <inheritdoc />
    public async Task<SystemConfigEntry> AddAsync(SystemConfigEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EntityValidation.EnsureValid(entry);
        var stored = await _db.ExecuteAsync(Statement.Write, Entity, entry.Key, _insert, (entry, now: StoreClock.Now(_time)), BindInsert, ReadOneAsync, cancellationToken)
            .ConfigureAwait(false);
        return stored!;
    }

    /// <inheritdoc />
    public async Task<SystemConfigEntry> UpsertAsync(SystemConfigEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EntityValidation.EnsureValid(entry);
        var stored = await _db.ExecuteAsync(Statement.Write, Entity, entry.Key, _upsert, (entry, now: StoreClock.Now(_time)), BindInsert, ReadOneAsync, cancellationToken)
            .ConfigureAwait(false);
        return stored!;
    }

    /// <inheritdoc />
    public async Task<SystemConfigEntry> UpdateAsync(SystemConfigEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EntityValidation.EnsureValid(entry);
        var now = StoreClock.Now(_time);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                entry.Key,
                _update,
                (entry, now),
                static (p, s) =>
                {
                    var e = s.entry;
                    p.Text(e.Key);
                    p.Jsonb(e.Value?.GetRawText());
                    p.Text(e.Description);
                    p.Text(e.Category);
                    p.Bool(e.IsSensitive);
                    p.Uuid(e.UpdatedBy?.Value);
                    p.TimestampTz(s.now);
                    p.TimestampTz(e.Updated);
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        return stored
            ?? throw await PgReads.MissedAsync(GetAsync(entry.Key, cancellationToken), Entity, entry.Key).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        if (FailedTask.IfNull<bool>(key, nameof(key)) is { } failed)
        {
            return failed;
        }

        return _db.DeleteAsync(Entity, key, _delete, key, static (p, k) => p.Text(k), cancellationToken);
    }

    private static void BindInsert(NpgsqlParameterCollection p, (SystemConfigEntry entry, DateTimeOffset now) s)
    {
        var e = s.entry;
        p.Text(e.Key);
        p.Jsonb(e.Value?.GetRawText());
        p.Text(e.Description);
        p.Text(e.Category);
        p.Bool(e.IsSensitive);
        p.Uuid(e.UpdatedBy?.Value);
        p.TimestampTz(s.now);
    }

    // Fragments are constants; values are parameters $1 (category), $2 (after).
    private static string Where(string? category, string? after) =>
        PgWhere.Of(
            "($1::text IS NULL OR TRUE) AND ($2::text IS NULL OR TRUE)",
            category is not null ? "category = $1" : null,
            after is not null ? "key COLLATE \"C\" > $2" : null
        );

    private static Task<SystemConfigEntry?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, Read, cancellationToken);

    internal static SystemConfigEntry Read(NpgsqlDataReader r)
    {
        var key = r.GetString(0);
        return new SystemConfigEntry
        {
            Key = key,
            Value = r.JsonOrNull(1),
            Description = r.TextOrNull(2),
            Category = r.TextOrNull(3),
            IsSensitive = r.RequiredBool(4, SystemConfigEntry.TableName, key),
            UpdatedBy = r.UuidOrNull(5) is { } u ? new UserId(u) : null,
            Updated = r.RequiredTimestamp(6, SystemConfigEntry.TableName, key),
        };
    }
}
