using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL implementation of <see cref="IFeatureFlagRepository"/> on a singleton <see cref="NpgsqlDataSource"/>.</summary>
public sealed class NpgsqlFeatureFlagRepository : IFeatureFlagRepository, IChangeFeedSource
{
    InfraChangeFeed? IChangeFeedSource.ChangeFeed => _db.Changes;

    private const string Entity = nameof(FeatureFlag);

    private const string Columns = "id, key, description, is_enabled, rollout_percentage, updated_by, updated";

    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _selectById;
    private readonly string _selectByKey;
    private readonly string _selectAll;
    private readonly string _selectFirstPage;
    private readonly string _selectNextPage;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _delete;
    private readonly string _count;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>updated</c>; the system clock by default.</param>
    public NpgsqlFeatureFlagRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlFeatureFlagRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        var table = SchemaName.Render("$(schema).feature_flags", db.Schema);
        var select = "SELECT " + Columns + " FROM " + table;
        _selectById = select + " WHERE id = $1";
        _selectByKey = select + " WHERE key = $1";
        _selectAll = select + " ORDER BY key COLLATE \"C\"";
        _selectFirstPage = select + " ORDER BY key COLLATE \"C\" LIMIT $1";
        _selectNextPage = select + " WHERE key COLLATE \"C\" > $2 ORDER BY key COLLATE \"C\" LIMIT $1";
        _insert = "INSERT INTO " + table + " (" + Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + Columns;
        _update =
            "UPDATE " + table + " SET description = $2, is_enabled = $3, rollout_percentage = $4, updated_by = $5, "
            + "updated = GREATEST($6, updated + interval '1 microsecond') WHERE id = $1 AND updated = $7 AND key = $8 RETURNING " + Columns;
        _delete = "DELETE FROM " + table + " WHERE id = $1";
        _count = "SELECT count(*) FROM " + table;
    }

    /// <inheritdoc />
    public Task<FeatureFlag?> GetAsync(FeatureFlagId id, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(Statement.Read, Entity, id, _selectById, id.Value, static (p, id) => p.Uuid(id), ReadOneAsync, cancellationToken);

    /// <inheritdoc />
    public Task<FeatureFlag?> GetByKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        if (FailedTask.IfNull<FeatureFlag?>(key, nameof(key)) is { } failed)
        {
            return failed;
        }

        return _db.ExecuteAsync(Statement.Read, Entity, key, _selectByKey, key, static (p, k) => p.Text(k), ReadOneAsync, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Page<FeatureFlag>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        var after = ContinuationToken.DecodeString(page.ContinuationToken);
        return await _db.PageAsync(
                Entity,
                after is null ? _selectFirstPage : _selectNextPage,
                (after, page.Limit),
                static (p, s) =>
                {
                    p.Int(s.Limit + 1);
                    if (s.after is not null)
                    {
                        p.Text(s.after);
                    }
                },
                Read,
                page.Limit,
                static x => ContinuationToken.Encode(x.Key),
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FeatureFlag>> ListAllAsync(CancellationToken cancellationToken = default) =>
        await _db.ExecuteStaleReadAsync(Entity, "list", _selectAll, 0, static (_, _) => { }, static (r, _, ct) => PgReads.AllAsync(r, Read, ct), cancellationToken)
            .ConfigureAwait(false);

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
    public async Task<FeatureFlag> AddAsync(FeatureFlag flag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flag);
        EntityValidation.EnsureValid(flag);
        var now = StoreClock.Now(_time);
        var stored = await _db.ReportAsync(_db.ExecuteAsync(
                Statement.Write,
                Entity,
                flag.Id,
                _insert,
                (flag, now),
                static (p, s) =>
                {
                    var f = s.flag;
                    p.Uuid(f.Id.Value);
                    p.Text(f.Key);
                    p.Text(f.Description);
                    p.Bool(f.IsEnabled);
                    p.Int(f.RolloutPercentage);
                    p.Uuid(f.UpdatedBy?.Value);
                    p.TimestampTz(s.now);
                },
                ReadOneAsync,
                cancellationToken
            ), ChangedAreas.FeatureFlags)
            .ConfigureAwait(false);
        return stored!;
    }

    /// <inheritdoc />
    public async Task<FeatureFlag> UpdateAsync(FeatureFlag flag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flag);
        EntityValidation.EnsureValid(flag);
        var now = StoreClock.Now(_time);
        var stored = await _db.ReportAsync(_db.ExecuteAsync(
                Statement.Write,
                Entity,
                flag.Id,
                _update,
                (flag, now),
                static (p, s) =>
                {
                    var f = s.flag;
                    p.Uuid(f.Id.Value);
                    p.Text(f.Description);
                    p.Bool(f.IsEnabled);
                    p.Int(f.RolloutPercentage);
                    p.Uuid(f.UpdatedBy?.Value);
                    p.TimestampTz(s.now);
                    p.TimestampTz(f.Updated);
                    p.Text(f.Key);
                },
                ReadOneAsync,
                cancellationToken
            ), ChangedAreas.FeatureFlags)
            .ConfigureAwait(false);
        if (stored is not null)
        {
            return stored;
        }

        var actual = await GetAsync(flag.Id, cancellationToken).ConfigureAwait(false);
        if (actual is null)
        {
            throw new EntityNotFoundException(Entity, flag.Id.ToString());
        }

        throw !string.Equals(actual.Key, flag.Key, StringComparison.Ordinal)
            ? RequiredColumnReads.Immutable(Entity, "key")
            : InfraTelemetry.Conflict(new ConcurrencyConflictException(Entity, flag.Id.ToString(), "it was updated since it was read"));
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(FeatureFlagId id, CancellationToken cancellationToken = default) =>
        _db.ReportAsync(_db.DeleteAsync(Entity, id, _delete, id.Value, static (p, id) => p.Uuid(id), cancellationToken), ChangedAreas.FeatureFlags);

    private static Task<FeatureFlag?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, Read, cancellationToken);

    internal static FeatureFlag Read(NpgsqlDataReader r)
    {
        var id = r.GetGuid(0);
        var key = new RowKey(id);
        return new FeatureFlag
        {
            Id = new FeatureFlagId(id),
            Key = r.RequiredText(1, FeatureFlag.TableName, key),
            Description = r.TextOrNull(2),
            IsEnabled = r.RequiredBool(3, FeatureFlag.TableName, key),
            RolloutPercentage = r.RequiredInt(4, FeatureFlag.TableName, key),
            UpdatedBy = r.UuidOrNull(5) is { } u ? new UserId(u) : null,
            Updated = r.RequiredTimestamp(6, FeatureFlag.TableName, key),
        };
    }
}
