using System.Collections.Frozen;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL implementation of <see cref="IStaffMemberRepository"/> on a singleton <see cref="NpgsqlDataSource"/>.</summary>
public sealed class NpgsqlStaffMemberRepository : IStaffMemberRepository, IChangeFeedSource
{
    InfraChangeFeed? IChangeFeedSource.ChangeFeed => _db.Changes;

    private const string Entity = nameof(StaffMember);
    private const string Columns = "user_id, role_id, notes, created, updated";

    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _select;
    private readonly string _selectById;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _delete;
    private readonly string _count;
    private readonly string _permissionNames;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>created</c>/<c>updated</c>; the system clock by default.</param>
    public NpgsqlStaffMemberRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlStaffMemberRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        var table = SchemaName.Render("$(schema).staff_members", db.Schema);
        var grants = SchemaName.Render("$(schema).staff_role_permissions", db.Schema);
        var permissions = SchemaName.Render("$(schema).permissions", db.Schema);
        _select = "SELECT " + Columns + " FROM " + table;
        _selectById = _select + " WHERE user_id = $1";
        _insert = "INSERT INTO " + table + " (" + Columns + ") VALUES ($1, $2, $3, $4, $4) RETURNING " + Columns;
        _update =
            "UPDATE " + table + " SET role_id = $2, notes = $3, updated = GREATEST($4, updated + interval '1 microsecond') "
            + "WHERE user_id = $1 AND updated = $5 RETURNING " + Columns;
        _delete = "DELETE FROM " + table + " WHERE user_id = $1";
        _count = "SELECT count(*) FROM " + table;
        _permissionNames =
            "SELECT p.id, p.name FROM " + table + " m JOIN " + grants + " g ON g.role_id = m.role_id JOIN " + permissions
            + " p ON p.id = g.permission_id WHERE m.user_id = $1";
    }

    /// <inheritdoc />
    public Task<StaffMember?> GetAsync(UserId userId, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(Statement.Read, Entity, userId, _selectById, userId.Value, static (p, id) => p.Uuid(id), ReadOneAsync, cancellationToken);

    /// <inheritdoc />
    public async Task<Page<StaffMember>> ListAsync(StaffMemberFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        var after = ContinuationToken.DecodeGuid(page.ContinuationToken);
        var sql = _select + Where(filter, after) + " ORDER BY user_id LIMIT $3";
        return await _db.PageAsync(
                Entity,
                sql,
                (filter, after, page.Limit),
                static (p, s) =>
                {
                    p.Int(s.filter?.RoleId?.Value);
                    p.Uuid(s.after);
                    p.Int(s.Limit + 1);
                },
                Read,
                page.Limit,
                static x => ContinuationToken.Encode(x.UserId.Value),
                cancellationToken
            )
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<long> CountAsync(StaffMemberFilter? filter = null, CancellationToken cancellationToken = default) =>
        _db.ExecuteStaleReadAsync(
            Entity,
            "count",
            _count + Where(filter, null),
            filter,
            static (p, f) =>
            {
                p.Int(f?.RoleId?.Value);
                p.Uuid(null);
            },
            PgReads.CountAsync,
            cancellationToken
        );

    /// <inheritdoc />
    public async Task<StaffMember> AddAsync(StaffMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        EntityValidation.EnsureValid(member);
        var now = StoreClock.Now(_time);
        var stored = await _db.ReportAsync(_db.ExecuteAsync(
                Statement.Write,
                Entity,
                member.UserId,
                _insert,
                (member, now),
                static (p, s) =>
                {
                    p.Uuid(s.member.UserId.Value);
                    p.Int(s.member.RoleId?.Value);
                    p.Text(s.member.Notes);
                    p.TimestampTz(s.now);
                },
                ReadOneAsync,
                cancellationToken
            ), ChangedAreas.Staff)
            .ConfigureAwait(false);
        return stored!;
    }

    /// <inheritdoc />
    public async Task<StaffMember> UpdateAsync(StaffMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        EntityValidation.EnsureValid(member);
        var now = StoreClock.Now(_time);
        var stored = await _db.ReportAsync(_db.ExecuteAsync(
                Statement.Write,
                Entity,
                member.UserId,
                _update,
                (member, now),
                static (p, s) =>
                {
                    p.Uuid(s.member.UserId.Value);
                    p.Int(s.member.RoleId?.Value);
                    p.Text(s.member.Notes);
                    p.TimestampTz(s.now);
                    p.TimestampTz(s.member.Updated);
                },
                ReadOneAsync,
                cancellationToken
            ), ChangedAreas.Staff)
            .ConfigureAwait(false);
        return stored
            ?? throw await PgReads.MissedAsync(GetAsync(member.UserId, cancellationToken), Entity, member.UserId.ToString()).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(UserId userId, CancellationToken cancellationToken = default) =>
        _db.ReportAsync(_db.DeleteAsync(Entity, userId, _delete, userId.Value, static (p, id) => p.Uuid(id), cancellationToken), ChangedAreas.Staff);

    /// <inheritdoc />
    public Task<IReadOnlySet<string>> GetPermissionNamesAsync(UserId userId, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(
            Statement.Read,
            Entity,
            userId,
            _permissionNames,
            userId.Value,
            static (p, id) => p.Uuid(id),
            static async (r, _, ct) =>
            {
                List<string>? names = null;
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    var name = r.TextOrNull(1)
                        ?? throw new UnknownDatabaseValueException(
                            Permission.TableName,
                            "name",
                            null,
                            r.GetInt32(0).ToString(System.Globalization.CultureInfo.InvariantCulture)
                        );
                    (names ??= []).Add(name);
                }

                return names is null ? FrozenSet<string>.Empty : (IReadOnlySet<string>)names.ToFrozenSet(StringComparer.Ordinal);
            },
            cancellationToken
        );

    // Fragments are constants; values are parameters $1 (role_id), $2 (after).
    private static string Where(StaffMemberFilter? filter, Guid? after) =>
        PgWhere.Of(
            "($1::integer IS NULL OR TRUE) AND ($2::uuid IS NULL OR TRUE)",
            filter?.RoleId is not null ? "role_id = $1" : null,
            after is not null ? "user_id > $2" : null
        );

    private static Task<StaffMember?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, Read, cancellationToken);

    private static StaffMember Read(NpgsqlDataReader r)
    {
        var id = r.GetGuid(0);
        var key = new RowKey(id);
        return new StaffMember
        {
            UserId = new UserId(id),
            RoleId = r.IntOrNull(1) is int role ? new StaffRoleId(role) : null,
            Notes = r.TextOrNull(2),
            Created = r.RequiredTimestamp(3, StaffMember.TableName, key),
            Updated = r.RequiredTimestamp(4, StaffMember.TableName, key),
        };
    }
}
