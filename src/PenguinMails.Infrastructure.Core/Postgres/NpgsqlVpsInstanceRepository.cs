using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL implementation of <see cref="IVpsInstanceRepository"/> on a singleton <see cref="NpgsqlDataSource"/>.</summary>
public sealed class NpgsqlVpsInstanceRepository : IVpsInstanceRepository
{
    private const string Entity = nameof(VpsInstance);

    private const string Columns =
        "id, hostwinds_instance_id, ip_address, region, status, monthly_cost, approximate_cost, hostwinds_billing_day, "
        + "current_billing_period_start, current_billing_period_end, decommission_scheduled_for, created, updated";

    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _select;
    private readonly string _selectById;
    private readonly string _selectByHostwinds;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _changeStatus;
    private readonly string _delete;
    private readonly string _count;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>created</c>/<c>updated</c>; the system clock by default.</param>
    public NpgsqlVpsInstanceRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlVpsInstanceRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        var table = SchemaName.Render("$(schema).vps_instances", db.Schema);
        _select = "SELECT " + Columns + " FROM " + table;
        _selectById = _select + " WHERE id = $1";
        _selectByHostwinds = _select + " WHERE hostwinds_instance_id = $1";
        _insert =
            "INSERT INTO " + table + " (" + Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING " + Columns;
        _update =
            "UPDATE " + table + " SET hostwinds_instance_id = $2, ip_address = $3, region = $4, monthly_cost = $5, approximate_cost = $6, "
            + "hostwinds_billing_day = $7, current_billing_period_start = $8, current_billing_period_end = $9, "
            + "updated = GREATEST($10, updated + interval '1 microsecond') WHERE id = $1 AND updated = $11 AND status = $12 RETURNING " + Columns;
        _changeStatus =
            "UPDATE " + table + " SET status = $2, decommission_scheduled_for = $3, updated = GREATEST($4, updated + interval '1 microsecond') "
            + "WHERE id = $1 AND status = $5 AND ($6::timestamptz IS NULL OR updated = $6) RETURNING " + Columns;
        _delete = "DELETE FROM " + table + " WHERE id = $1";
        _count = "SELECT count(*) FROM " + table;
    }

    /// <inheritdoc />
    public Task<VpsInstance?> GetAsync(VpsInstanceId id, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(Statement.Read, Entity, id, _selectById, id.Value, static (p, id) => p.Uuid(id), ReadOneAsync, cancellationToken);

    /// <inheritdoc />
    public Task<VpsInstance?> GetByHostwindsInstanceIdAsync(string hostwindsInstanceId, CancellationToken cancellationToken = default)
    {
        if (FailedTask.IfNull<VpsInstance?>(hostwindsInstanceId, nameof(hostwindsInstanceId)) is { } failed)
        {
            return failed;
        }

        return _db.ExecuteAsync(Statement.Read, Entity, hostwindsInstanceId, _selectByHostwinds, hostwindsInstanceId, static (p, k) => p.Text(k), ReadOneAsync, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Page<VpsInstance>> ListAsync(VpsInstanceFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        var after = ContinuationToken.DecodeGuid(page.ContinuationToken);
        var sql = _select + Where(filter, after) + " ORDER BY id LIMIT $4";
        return await _db.PageAsync(
                Entity,
                sql,
                (filter, after, page.Limit),
                static (p, s) =>
                {
                    p.Text(s.filter?.Status is { } st ? st.ToDatabaseValue() : null);
                    p.Text(s.filter?.Region);
                    p.Uuid(s.after);
                    p.Int(s.Limit + 1);
                },
                Read,
                page.Limit,
                static v => ContinuationToken.Encode(v.Id.Value),
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<long> CountAsync(VpsInstanceFilter? filter = null, CancellationToken cancellationToken = default) =>
        _db.ExecuteStaleReadAsync(
            Entity,
            "count",
            _count + Where(filter, null),
            filter,
            static (p, f) =>
            {
                p.Text(f?.Status is { } st ? st.ToDatabaseValue() : null);
                p.Text(f?.Region);
                p.Uuid(null);
            },
            PgReads.CountAsync,
            cancellationToken
        );

    /// <inheritdoc />
    public async Task<VpsInstance> AddAsync(VpsInstance vps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vps);
        VpsInstanceRules.EnsureInsertable(vps);
        var now = StoreClock.Now(_time);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                vps.Id,
                _insert,
                (vps, now),
                static (p, s) =>
                {
                    var v = s.vps;
                    p.Uuid(v.Id.Value);
                    p.Text(v.HostwindsInstanceId);
                    p.Text(v.IpAddress);
                    p.Text(v.Region);
                    p.Text(v.Status.ToDatabaseValue());
                    p.Numeric(v.MonthlyCost);
                    p.Numeric(v.ApproximateCost);
                    p.Int(v.HostwindsBillingDay);
                    p.TimestampTz(StoreClock.Truncate(v.CurrentBillingPeriodStart));
                    p.TimestampTz(StoreClock.Truncate(v.CurrentBillingPeriodEnd));
                    p.TimestampTz(StoreClock.Truncate(v.DecommissionScheduledFor));
                    p.TimestampTz(s.now);
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        return stored!;
    }

    /// <inheritdoc />
    public async Task<VpsInstance> UpdateAsync(VpsInstance vps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vps);
        EntityValidation.EnsureValid(vps);
        var now = StoreClock.Now(_time);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                vps.Id,
                _update,
                (vps, now),
                static (p, s) =>
                {
                    var v = s.vps;
                    p.Uuid(v.Id.Value);
                    p.Text(v.HostwindsInstanceId);
                    p.Text(v.IpAddress);
                    p.Text(v.Region);
                    p.Numeric(v.MonthlyCost);
                    p.Numeric(v.ApproximateCost);
                    p.Int(v.HostwindsBillingDay);
                    p.TimestampTz(StoreClock.Truncate(v.CurrentBillingPeriodStart));
                    p.TimestampTz(StoreClock.Truncate(v.CurrentBillingPeriodEnd));
                    p.TimestampTz(s.now);
                    p.TimestampTz(v.Updated);
                    p.Text(v.Status.ToDatabaseValue());
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        return stored ?? throw await MissedAsync(vps, "it was updated or its status changed since it was read", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<VpsInstance> ChangeStatusAsync(
        VpsInstance current,
        VpsInstanceStatus newStatus,
        DateTimeOffset? decommissionAt = null,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(current);
        var now = StoreClock.Now(_time);
        var next = VpsInstanceLifecycle.Apply(current, newStatus, now, StoreClock.Truncate(decommissionAt));
        var fromSnapshot = VpsInstanceRules.SideRuleReadsSnapshot(newStatus, decommissionAt);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                current.Id,
                _changeStatus,
                (current, next, now, fromSnapshot),
                static (p, s) =>
                {
                    p.Uuid(s.current.Id.Value);
                    p.Text(s.next.Status.ToDatabaseValue());
                    p.TimestampTz(StoreClock.Truncate(s.next.DecommissionScheduledFor));
                    p.TimestampTz(s.now);
                    p.Text(s.current.Status.ToDatabaseValue());
                    p.TimestampTz(s.fromSnapshot ? s.current.Updated : null);
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        if (stored is null)
        {
            throw await MissedAsync(current, VpsInstanceRules.StaleBillingReason, cancellationToken).ConfigureAwait(false);
        }

        InfraTelemetry.StatusChanged(current.Status, stored.Status);
        return stored;
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(VpsInstanceId id, CancellationToken cancellationToken = default) =>
        _db.DeleteAsync(Entity, id, _delete, id.Value, static (p, id) => p.Uuid(id), cancellationToken);

    private async Task<Exception> MissedAsync(VpsInstance expected, string? reason, CancellationToken cancellationToken)
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

    // Fragments are constants; values are parameters $1 (status), $2 (region), $3 (after).
    private static string Where(VpsInstanceFilter? filter, Guid? after) =>
        PgWhere.Of(
            "($1::text IS NULL OR TRUE) AND ($2::text IS NULL OR TRUE) AND ($3::uuid IS NULL OR TRUE)",
            filter?.Status is not null ? "status = $1" : null,
            filter?.Region is not null ? "region = $2" : null,
            after is not null ? "id > $3" : null
        );

    private static Task<VpsInstance?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, Read, cancellationToken);

    internal static VpsInstance Read(NpgsqlDataReader r)
    {
        var id = r.GetGuid(0);
        var key = new RowKey(id);
        return new VpsInstance
        {
            Id = new VpsInstanceId(id),
            HostwindsInstanceId = r.TextOrNull(1),
            IpAddress = r.TextOrNull(2),
            Region = r.TextOrNull(3),
            Status = VpsInstanceStatusExtensions.Map.FromDb(r.TextOrNull(4), key),
            MonthlyCost = r.DecimalOrNull(5),
            ApproximateCost = r.DecimalOrNull(6),
            HostwindsBillingDay = r.IntOrNull(7),
            CurrentBillingPeriodStart = r.TimestampOrNull(8),
            CurrentBillingPeriodEnd = r.TimestampOrNull(9),
            DecommissionScheduledFor = r.TimestampOrNull(10),
            Created = r.RequiredTimestamp(11, VpsInstance.TableName, key),
            Updated = r.RequiredTimestamp(12, VpsInstance.TableName, key),
        };
    }
}
