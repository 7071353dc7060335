using Npgsql;
using NpgsqlTypes;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL implementation of <see cref="ISmtpIpAddressRepository"/> on a singleton <see cref="NpgsqlDataSource"/>.</summary>
public sealed class NpgsqlSmtpIpAddressRepository : ISmtpIpAddressRepository
{
    private const string Entity = nameof(SmtpIpAddress);

    private const string Columns =
        "id, vps_instance_id, ip_address, status, reputation_state, approximate_cost, last_reputation_check, assigned_count, "
        + "provider_blacklist_status, created, updated";

    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _select;
    private readonly string _selectById;
    private readonly string _selectByAddress;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _changeStatus;
    private readonly string _adjust;
    private readonly string _delete;
    private readonly string _count;
    private readonly string _copy;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>created</c>/<c>updated</c>; the system clock by default.</param>
    public NpgsqlSmtpIpAddressRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlSmtpIpAddressRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        var table = SchemaName.Render("$(schema).smtp_ip_addresses", db.Schema);
        _select = "SELECT " + Columns + " FROM " + table;
        _selectById = _select + " WHERE id = $1";
        _selectByAddress = _select + " WHERE vps_instance_id = $1 AND ip_address = $2 ORDER BY id LIMIT 1";
        _insert = "INSERT INTO " + table + " (" + Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING " + Columns;
        _update =
            "UPDATE " + table + " SET vps_instance_id = $2, ip_address = $3, reputation_state = $4, approximate_cost = $5, "
            + "last_reputation_check = $6, provider_blacklist_status = $7, updated = GREATEST($8, updated + interval '1 microsecond') "
            + "WHERE id = $1 AND updated = $9 AND status = $10 RETURNING " + Columns;
        _changeStatus =
            "UPDATE " + table + " SET status = $2, updated = GREATEST($3, updated + interval '1 microsecond') "
            + "WHERE id = $1 AND status = $4 RETURNING " + Columns;
        // A NULL count (rows written by other code; the seed column allows it) counts as the column default, 0.
        _adjust =
            "UPDATE " + table + " SET assigned_count = COALESCE(assigned_count, 0) + $2, updated = GREATEST($3, updated + interval '1 microsecond') "
            + "WHERE id = $1 AND COALESCE(assigned_count, 0)::bigint + $2 BETWEEN 0 AND 2147483647 RETURNING " + Columns;
        _delete = "DELETE FROM " + table + " WHERE id = $1";
        _count = "SELECT count(*) FROM " + table;
        _copy = "COPY " + table + " (" + Columns + ") FROM STDIN (FORMAT BINARY)";
    }

    /// <inheritdoc />
    public Task<SmtpIpAddress?> GetAsync(SmtpIpAddressId id, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(Statement.Read, Entity, id, _selectById, id.Value, static (p, id) => p.Uuid(id), ReadOneAsync, cancellationToken);

    /// <inheritdoc />
    public Task<SmtpIpAddress?> GetByAddressAsync(VpsInstanceId vpsInstanceId, string ipAddress, CancellationToken cancellationToken = default)
    {
        if (FailedTask.IfNull<SmtpIpAddress?>(ipAddress, nameof(ipAddress)) is { } failed)
        {
            return failed;
        }

        return _db.ExecuteAsync(
            Statement.Read,
            Entity,
            ipAddress,
            _selectByAddress,
            (vpsInstanceId, ipAddress),
            static (p, k) =>
            {
                p.Uuid(k.vpsInstanceId.Value);
                p.Text(k.ipAddress);
            },
            ReadOneAsync,
            cancellationToken
        );
    }

    /// <inheritdoc />
    public async Task<Page<SmtpIpAddress>> ListAsync(SmtpIpAddressFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        var after = ContinuationToken.DecodeGuid(page.ContinuationToken);
        var sql = _select + Where(filter, after) + " ORDER BY id LIMIT $5";
        return await _db.PageAsync(
                Entity,
                sql,
                (filter, after, page.Limit),
                static (p, s) =>
                {
                    Bind(p, s.filter, s.after);
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
    public Task<long> CountAsync(SmtpIpAddressFilter? filter = null, CancellationToken cancellationToken = default) =>
        _db.ExecuteStaleReadAsync(
            Entity,
            "count",
            _count + Where(filter, null),
            filter,
            static (p, f) => Bind(p, f, null),
            PgReads.CountAsync,
            cancellationToken
        );

    /// <inheritdoc />
    public async Task<SmtpIpAddress> AddAsync(SmtpIpAddress ip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ip);
        SmtpIpAddressRules.EnsureInsertable(ip);
        var now = StoreClock.Now(_time);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                ip.Id,
                _insert,
                (ip, now),
                static (p, s) =>
                {
                    var v = s.ip;
                    p.Uuid(v.Id.Value);
                    p.Uuid(v.VpsInstanceId?.Value);
                    p.Text(v.IpAddress);
                    p.Text(v.Status.ToDatabaseValue());
                    p.Text(v.ReputationState?.ToDatabaseValue());
                    p.Numeric(v.ApproximateCost);
                    p.TimestampTz(StoreClock.Truncate(v.LastReputationCheck));
                    p.Int(v.AssignedCount);
                    p.Jsonb(v.ProviderBlacklistStatus?.ToJson());
                    p.TimestampTz(s.now);
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        return stored!;
    }

    /// <inheritdoc />
    public async Task<SmtpIpAddress> UpdateAsync(SmtpIpAddress ip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ip);
        EntityValidation.EnsureValid(ip);
        var now = StoreClock.Now(_time);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                ip.Id,
                _update,
                (ip, now),
                static (p, s) =>
                {
                    var v = s.ip;
                    p.Uuid(v.Id.Value);
                    p.Uuid(v.VpsInstanceId?.Value);
                    p.Text(v.IpAddress);
                    p.Text(v.ReputationState?.ToDatabaseValue());
                    p.Numeric(v.ApproximateCost);
                    p.TimestampTz(StoreClock.Truncate(v.LastReputationCheck));
                    p.Jsonb(v.ProviderBlacklistStatus?.ToJson());
                    p.TimestampTz(s.now);
                    p.TimestampTz(v.Updated);
                    p.Text(v.Status.ToDatabaseValue());
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        return stored ?? throw await MissedAsync(ip, "it was updated or its status changed since it was read", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SmtpIpAddress> ChangeStatusAsync(SmtpIpAddress current, SmtpIpAddressStatus newStatus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        var now = StoreClock.Now(_time);
        var next = SmtpIpAddressLifecycle.Apply(current, newStatus, now);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                current.Id,
                _changeStatus,
                (current, next, now),
                static (p, s) =>
                {
                    p.Uuid(s.current.Id.Value);
                    p.Text(s.next.Status.ToDatabaseValue());
                    p.TimestampTz(s.now);
                    p.Text(s.current.Status.ToDatabaseValue());
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        if (stored is null)
        {
            throw await MissedAsync(current, null, cancellationToken).ConfigureAwait(false);
        }

        InfraTelemetry.StatusChanged(current.Status, stored.Status);
        return stored;
    }

    /// <inheritdoc />
    public async Task<SmtpIpAddress> AdjustAssignedCountAsync(SmtpIpAddressId id, int delta, CancellationToken cancellationToken = default)
    {
        var now = StoreClock.Now(_time);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                id,
                _adjust,
                (id, delta, now),
                static (p, s) =>
                {
                    p.Uuid(s.id.Value);
                    p.Int(s.delta);
                    p.TimestampTz(s.now);
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        if (stored is not null)
        {
            return stored;
        }

        var actual = await GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new EntityNotFoundException(Entity, id.ToString());
        throw (Exception?)SmtpIpAddressRules.AssignedCountError(actual.AssignedCount, delta)
            ?? InfraTelemetry.Conflict(new ConcurrencyConflictException(Entity, id.ToString(), "assigned_count changed while it was adjusted", isTransient: true));
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(SmtpIpAddressId id, CancellationToken cancellationToken = default) =>
        _db.DeleteAsync(Entity, id, _delete, id.Value, static (p, id) => p.Uuid(id), cancellationToken);

    /// <inheritdoc />
    public async Task<int> BulkImportAsync(IReadOnlyCollection<SmtpIpAddress> ips, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ips);
        SmtpIpAddressRules.EnsureImportable(ips);
        cancellationToken.ThrowIfCancellationRequested();
        if (ips.Count == 0)
        {
            return 0;
        }

        var now = StoreClock.Now(_time);
        var copied = await _db.ImportAsync(
                Entity,
                _copy,
                (ips, now),
                static async (importer, s, ct) =>
                {
                    foreach (var v in s.ips)
                    {
                        await importer.StartRowAsync(ct).ConfigureAwait(false);
                        await importer.WriteAsync(v.Id.Value, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                        await WriteNullableAsync(importer, v.VpsInstanceId?.Value, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                        await importer.WriteAsync(v.IpAddress, NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                        await importer.WriteAsync(v.Status.ToDatabaseValue(), NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                        await WriteNullableAsync(importer, v.ReputationState?.ToDatabaseValue(), NpgsqlDbType.Varchar, ct).ConfigureAwait(false);
                        await WriteNullableAsync(importer, v.ApproximateCost, NpgsqlDbType.Numeric, ct).ConfigureAwait(false);
                        await WriteNullableAsync(importer, StoreClock.Truncate(v.LastReputationCheck), NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
                        await importer.WriteAsync(v.AssignedCount, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                        await WriteNullableAsync(importer, v.ProviderBlacklistStatus?.ToJson(), NpgsqlDbType.Jsonb, ct).ConfigureAwait(false);
                        await importer.WriteAsync(s.now, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
                        await importer.WriteAsync(s.now, NpgsqlDbType.TimestampTz, ct).ConfigureAwait(false);
                    }
                },
                cancellationToken
            )
            .ConfigureAwait(false);
        return checked((int)copied);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct =>
        value is { } v ? importer.WriteAsync(v, type, cancellationToken) : importer.WriteNullAsync(cancellationToken);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter importer, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is not null ? importer.WriteAsync(value, type, cancellationToken) : importer.WriteNullAsync(cancellationToken);

    private async Task<Exception> MissedAsync(SmtpIpAddress expected, string? reason, CancellationToken cancellationToken)
    {
        var actual = await GetAsync(expected.Id, cancellationToken).ConfigureAwait(false);
        if (actual is null)
        {
            return new EntityNotFoundException(Entity, expected.Id.ToString());
        }

        return InfraTelemetry.Conflict(new ConcurrencyConflictException(
            Entity,
            expected.Id.ToString(),
            actual.Status != expected.Status
                ? $"expected status '{expected.Status.ToDatabaseValue()}' but found '{actual.Status.ToDatabaseValue()}'"
                : reason ?? "it was updated since it was read"
        ));
    }

    private static void Bind(NpgsqlParameterCollection p, SmtpIpAddressFilter? f, Guid? after)
    {
        p.Uuid(f?.VpsInstanceId?.Value);
        p.Text(f?.Status is { } st ? st.ToDatabaseValue() : null);
        p.Text(f?.ReputationState is { } rs ? rs.ToDatabaseValue() : null);
        p.Uuid(after);
    }

    // Fragments are constants; values are parameters $1 (vps), $2 (status), $3 (reputation), $4 (after).
    private static string Where(SmtpIpAddressFilter? filter, Guid? after) =>
        PgWhere.Of(
            "($1::uuid IS NULL OR TRUE) AND ($2::text IS NULL OR TRUE) AND ($3::text IS NULL OR TRUE) AND ($4::uuid IS NULL OR TRUE)",
            filter?.VpsInstanceId is not null ? "vps_instance_id = $1" : null,
            filter?.Status is not null ? "status = $2" : null,
            filter?.ReputationState is not null ? "reputation_state = $3" : null,
            after is not null ? "id > $4" : null
        );

    private static Task<SmtpIpAddress?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, Read, cancellationToken);

    internal static SmtpIpAddress Read(NpgsqlDataReader r) => Read(r, 0);

    /// <summary>Reads a row whose columns start at ordinal <paramref name="at"/> (a joined result).</summary>
    internal static SmtpIpAddress Read(NpgsqlDataReader r, int at)
    {
        var id = r.GetGuid(at);
        var key = new RowKey(id);
        return new SmtpIpAddress
        {
            Id = new SmtpIpAddressId(id),
            VpsInstanceId = r.UuidOrNull(at + 1) is { } vps ? new VpsInstanceId(vps) : null,
            IpAddress = r.TextOrNull(at + 2) ?? throw new UnknownDatabaseValueException(SmtpIpAddress.TableName, "ip_address", null, key.ToString()),
            Status = SmtpIpAddressStatusExtensions.Map.FromDb(r.TextOrNull(at + 3), key),
            ReputationState = r.TextOrNull(at + 4) is { } rs ? ReputationStateExtensions.Map.FromDb(rs, key) : null,
            ApproximateCost = r.DecimalOrNull(at + 5),
            LastReputationCheck = r.TimestampOrNull(at + 6),
            AssignedCount = r.IntOrNull(at + 7) ?? throw new UnknownDatabaseValueException(SmtpIpAddress.TableName, "assigned_count", null, key.ToString()),
            ProviderBlacklistStatus = r.TextOrNull(at + 8) is { } json ? ReadBlacklistStatus(json, key) : null,
            Created = r.RequiredTimestamp(at + 9, SmtpIpAddress.TableName, key),
            Updated = r.RequiredTimestamp(at + 10, SmtpIpAddress.TableName, key),
        };
    }

    /// <summary>
    /// Reads <c>provider_blacklist_status</c>; an unreadable value is reported with the row it was read from (the
    /// parser alone knows table and column only).
    /// </summary>
    internal static ProviderBlacklistStatus ReadBlacklistStatus(string json, RowKey rowKey)
    {
        try
        {
            return ProviderBlacklistStatus.FromJson(json);
        }
        catch (UnknownDatabaseValueException ex)
        {
            throw new UnknownDatabaseValueException(ex.Table, ex.Column, ex.Value, rowKey.ToString(), ex.InnerException ?? ex);
        }
    }
}
