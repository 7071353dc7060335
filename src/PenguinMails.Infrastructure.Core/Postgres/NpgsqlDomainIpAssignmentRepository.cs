using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL implementation of <see cref="IDomainIpAssignmentRepository"/> on a singleton <see cref="NpgsqlDataSource"/>.</summary>
public sealed class NpgsqlDomainIpAssignmentRepository : IDomainIpAssignmentRepository
{
    private const string Entity = nameof(DomainIpAssignment);

    private const string Columns = "id, domain_id, smtp_ip_address_id, status, assigned, expires, warmup_state, last_sent, created, updated";

    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _select;
    private readonly string _selectById;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _changeStatus;
    private readonly string _changeWarmup;
    private readonly string _delete;
    private readonly string _count;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>created</c>/<c>updated</c>; the system clock by default.</param>
    public NpgsqlDomainIpAssignmentRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlDomainIpAssignmentRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        var table = SchemaName.Render("$(schema).domain_ip_assignments", db.Schema);
        _select = "SELECT " + Columns + " FROM " + table;
        _selectById = _select + " WHERE id = $1";
        _insert = "INSERT INTO " + table + " (" + Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING " + Columns;
        _update =
            "UPDATE " + table + " SET expires = $2, last_sent = $3, updated = GREATEST($4, updated + interval '1 microsecond') "
            + "WHERE id = $1 AND updated = $5 AND status = $6 AND COALESCE(warmup_state, 'unwarmed') = $7 RETURNING " + Columns;
        // The side rule of entering 'expired' is applied to the stored row: expires becomes now when empty or ahead.
        _changeStatus =
            "UPDATE " + table + " SET status = $2, "
            + "expires = CASE WHEN $2 = 'expired' AND (expires IS NULL OR expires > $3) THEN $3 ELSE expires END, "
            + "updated = GREATEST($3, updated + interval '1 microsecond') WHERE id = $1 AND status = $4 RETURNING " + Columns;
        _changeWarmup =
            "UPDATE " + table + " SET warmup_state = $2, updated = GREATEST($3, updated + interval '1 microsecond') "
            + "WHERE id = $1 AND COALESCE(warmup_state, 'unwarmed') = $4 RETURNING " + Columns;
        _delete = "DELETE FROM " + table + " WHERE id = $1";
        _count = "SELECT count(*) FROM " + table;
    }

    /// <inheritdoc />
    public Task<DomainIpAssignment?> GetAsync(DomainIpAssignmentId id, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(Statement.Read, Entity, id, _selectById, id.Value, static (p, id) => p.Uuid(id), ReadOneAsync, cancellationToken);

    /// <inheritdoc />
    public async Task<Page<DomainIpAssignment>> ListAsync(
        DomainIpAssignmentFilter? filter = null,
        PageRequest? page = null,
        CancellationToken cancellationToken = default
    )
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        var after = ContinuationToken.DecodeGuid(page.ContinuationToken);
        var sql = _select + Where(filter, after) + " ORDER BY id LIMIT $6";
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
    public Task<long> CountAsync(DomainIpAssignmentFilter? filter = null, CancellationToken cancellationToken = default) =>
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
    public async Task<DomainIpAssignment> AddAsync(DomainIpAssignment assignment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var row = DomainIpAssignmentRules.PrepareInsert(assignment, StoreClock.Now(_time));
        try
        {
            var stored = await _db.ExecuteAsync(
                    Statement.Write,
                    Entity,
                    row.Id,
                    _insert,
                    row,
                    static (p, v) =>
                    {
                        p.Uuid(v.Id.Value);
                        p.Uuid(v.DomainId?.Value);
                        p.Uuid(v.SmtpIpAddressId?.Value);
                        p.Text(v.Status.ToDatabaseValue());
                        p.TimestampTz(v.Assigned);
                        p.TimestampTz(v.Expires);
                        p.Text(v.WarmupState.ToDatabaseValue());
                        p.TimestampTz(v.LastSent);
                        p.TimestampTz(v.Created);
                    },
                    ReadOneAsync,
                    cancellationToken
                )
                .ConfigureAwait(false);
            return stored!;
        }
        catch (DuplicateEntityException ex) when (ex.Key == DomainIpAssignmentRules.DomainIpIndexColumns)
        {
            // The partial unique index ux_domain_ip_assignments_domain_id_smtp_ip_address_id: name its two columns.
            throw new DuplicateEntityException(Entity, DomainIpAssignmentRules.DomainIpKey, ex.InnerException);
        }
    }

    /// <inheritdoc />
    public async Task<DomainIpAssignment> UpdateAsync(DomainIpAssignment assignment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        EntityValidation.EnsureValid(assignment);
        var now = StoreClock.Now(_time);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                assignment.Id,
                _update,
                (assignment, now),
                static (p, s) =>
                {
                    var v = s.assignment;
                    p.Uuid(v.Id.Value);
                    p.TimestampTz(StoreClock.Truncate(v.Expires));
                    p.TimestampTz(StoreClock.Truncate(v.LastSent));
                    p.TimestampTz(s.now);
                    p.TimestampTz(v.Updated);
                    p.Text(v.Status.ToDatabaseValue());
                    p.Text(v.WarmupState.ToDatabaseValue());
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        return stored
            ?? throw await MissedAsync(assignment, "it was updated or its status or warmup state changed since it was read", cancellationToken)
                .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DomainIpAssignment> ChangeStatusAsync(
        DomainIpAssignment current,
        DomainIpAssignmentStatus newStatus,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(current);
        var now = StoreClock.Now(_time);
        var next = DomainIpAssignmentLifecycle.Apply(current, newStatus, now);
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
    public async Task<DomainIpAssignment> ChangeWarmupStateAsync(DomainIpAssignment current, WarmupState newState, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        var now = StoreClock.Now(_time);
        var next = WarmupStateLifecycle.Apply(current, newState, now);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                current.Id,
                _changeWarmup,
                (current, next, now),
                static (p, s) =>
                {
                    p.Uuid(s.current.Id.Value);
                    p.Text(s.next.WarmupState.ToDatabaseValue());
                    p.TimestampTz(s.now);
                    p.Text(s.current.WarmupState.ToDatabaseValue());
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        if (stored is null)
        {
            throw await MissedAsync(current, null, cancellationToken, warmupOnly: true).ConfigureAwait(false);
        }

        InfraTelemetry.StatusChanged(current.WarmupState, stored.WarmupState);
        return stored;
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(DomainIpAssignmentId id, CancellationToken cancellationToken = default) =>
        _db.DeleteAsync(Entity, id, _delete, id.Value, static (p, id) => p.Uuid(id), cancellationToken);

    private async Task<Exception> MissedAsync(DomainIpAssignment expected, string? reason, CancellationToken cancellationToken, bool warmupOnly = false)
    {
        var actual = await GetAsync(expected.Id, cancellationToken).ConfigureAwait(false);
        return actual is null
            ? new EntityNotFoundException(Entity, expected.Id.ToString())
            : InfraTelemetry.Conflict(DomainIpAssignmentRules.Conflict(expected, actual, reason, warmupOnly));
    }

    private static void Bind(NpgsqlParameterCollection p, DomainIpAssignmentFilter? f, Guid? after)
    {
        p.Uuid(f?.DomainId?.Value);
        p.Uuid(f?.SmtpIpAddressId?.Value);
        p.Text(f?.Status is { } st ? st.ToDatabaseValue() : null);
        p.TimestampTz(f?.ExpiringBefore is { } eb ? StoreClock.Truncate(eb) : null);
        p.Uuid(after);
    }

    // Fragments are constants; values are parameters $1 (domain), $2 (IP), $3 (status), $4 (expiring before), $5 (after).
    private static string Where(DomainIpAssignmentFilter? filter, Guid? after) =>
        PgWhere.Of(
            "($1::uuid IS NULL OR TRUE) AND ($2::uuid IS NULL OR TRUE) AND ($3::text IS NULL OR TRUE) AND ($4::timestamptz IS NULL OR TRUE) AND ($5::uuid IS NULL OR TRUE)",
            filter?.DomainId is not null ? "domain_id = $1" : null,
            filter?.SmtpIpAddressId is not null ? "smtp_ip_address_id = $2" : null,
            filter?.Status is not null ? "status = $3" : null,
            filter?.ExpiringBefore is not null ? "expires < $4" : null,
            after is not null ? "id > $5" : null
        );

    private static Task<DomainIpAssignment?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, Read, cancellationToken);

    internal static DomainIpAssignment Read(NpgsqlDataReader r) => Read(r, 0);

    /// <summary>Reads a row whose columns start at ordinal <paramref name="at"/> (a joined result).</summary>
    internal static DomainIpAssignment Read(NpgsqlDataReader r, int at)
    {
        var id = r.GetGuid(at);
        var key = new RowKey(id);
        return new DomainIpAssignment
        {
            Id = new DomainIpAssignmentId(id),
            DomainId = r.UuidOrNull(at + 1) is { } d ? new DomainId(d) : null,
            SmtpIpAddressId = r.UuidOrNull(at + 2) is { } ip ? new SmtpIpAddressId(ip) : null,
            Status = DomainIpAssignmentStatusExtensions.Map.FromDb(r.TextOrNull(at + 3), key),
            Assigned = r.RequiredTimestamp(at + 4, DomainIpAssignment.TableName, key),
            Expires = r.TimestampOrNull(at + 5),
            WarmupState = WarmupStateExtensions.FromDatabaseValue(r.TextOrNull(at + 6), key),
            LastSent = r.TimestampOrNull(at + 7),
            Created = r.RequiredTimestamp(at + 8, DomainIpAssignment.TableName, key),
            Updated = r.RequiredTimestamp(at + 9, DomainIpAssignment.TableName, key),
        };
    }
}
