using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL implementation of <see cref="ITenantPoliciesRepository"/> on a singleton <see cref="NpgsqlDataSource"/>.</summary>
public sealed class NpgsqlTenantPoliciesRepository : ITenantPoliciesRepository
{
    private const string Entity = nameof(TenantPolicies);

    private const string Columns =
        "tenant_id, password_min_length, password_require_uppercase, password_require_numbers, password_require_symbols, "
        + "session_timeout_hours, max_login_attempts, two_factor_required, company_default_status, company_allow_member_invites, "
        + "company_auto_approve_members, company_require_email_verification, created, updated";

    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _selectById;
    private readonly string _selectFirstPage;
    private readonly string _selectNextPage;
    private readonly string _count;
    private readonly string _insert;
    private readonly string _update;
    private readonly string _delete;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>created</c>/<c>updated</c>; the system clock by default.</param>
    public NpgsqlTenantPoliciesRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlTenantPoliciesRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        var table = SchemaName.Render("$(schema).tenant_policies", db.Schema);
        var select = "SELECT " + Columns + " FROM " + table;
        _selectById = select + " WHERE tenant_id = $1";
        _selectFirstPage = select + " ORDER BY tenant_id LIMIT $1";
        _selectNextPage = select + " WHERE tenant_id > $2 ORDER BY tenant_id LIMIT $1";
        _count = "SELECT count(*) FROM " + table;
        _insert = "INSERT INTO " + table + " (" + Columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING " + Columns;
        _update =
            "UPDATE " + table + " SET password_min_length = $2, password_require_uppercase = $3, password_require_numbers = $4, "
            + "password_require_symbols = $5, session_timeout_hours = $6, max_login_attempts = $7, two_factor_required = $8, "
            + "company_default_status = $9, company_allow_member_invites = $10, company_auto_approve_members = $11, "
            + "company_require_email_verification = $12, updated = GREATEST($13, updated + interval '1 microsecond') "
            + "WHERE tenant_id = $1 AND updated = $14 RETURNING " + Columns;
        _delete = "DELETE FROM " + table + " WHERE tenant_id = $1";
    }

    /// <inheritdoc />
    public Task<TenantPolicies?> GetAsync(TenantId tenantId, CancellationToken cancellationToken = default) =>
        _db.ExecuteAsync(Statement.Read, Entity, tenantId, _selectById, tenantId.Value, static (p, id) => p.Uuid(id), ReadOneAsync, cancellationToken);

    /// <inheritdoc />
    public Task<Page<TenantPolicies>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default) =>
        _db.PageByUuidAsync(Entity, _selectFirstPage, _selectNextPage, page, Read, static x => x.TenantId.Value, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountAsync(CancellationToken cancellationToken = default) => _db.CountAsync(Entity, _count, cancellationToken);

    /// <inheritdoc />
    public async Task<TenantPolicies> AddAsync(TenantPolicies policies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policies);
        EntityValidation.EnsureValid(policies);
        var stored = await _db.ExecuteAsync(Statement.Write, Entity, policies.TenantId, _insert, (policies, now: StoreClock.Now(_time)), Bind, ReadOneAsync, cancellationToken)
            .ConfigureAwait(false);
        return stored!;
    }

    /// <inheritdoc />
    public async Task<TenantPolicies> UpdateAsync(TenantPolicies policies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policies);
        EntityValidation.EnsureValid(policies);
        var stored = await _db.ExecuteAsync(
                Statement.Write,
                Entity,
                policies.TenantId,
                _update,
                (policies, now: StoreClock.Now(_time)),
                static (p, s) =>
                {
                    Bind(p, s);
                    p.TimestampTz(s.policies.Updated);
                },
                ReadOneAsync,
                cancellationToken
            )
            .ConfigureAwait(false);
        return stored
            ?? throw await PgReads.MissedAsync(GetAsync(policies.TenantId, cancellationToken), Entity, policies.TenantId.ToString()).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(TenantId tenantId, CancellationToken cancellationToken = default) =>
        _db.DeleteAsync(Entity, tenantId, _delete, tenantId.Value, static (p, id) => p.Uuid(id), cancellationToken);

    /// <summary>Binds $1..$13: the columns in order, then the store's time.</summary>
    private static void Bind(NpgsqlParameterCollection p, (TenantPolicies policies, DateTimeOffset now) s)
    {
        var v = s.policies;
        p.Uuid(v.TenantId.Value);
        p.Int(v.PasswordMinLength);
        p.Bool(v.PasswordRequireUppercase);
        p.Bool(v.PasswordRequireNumbers);
        p.Bool(v.PasswordRequireSymbols);
        p.Int(v.SessionTimeoutHours);
        p.Int(v.MaxLoginAttempts);
        p.Bool(v.TwoFactorRequired);
        p.Text(v.CompanyDefaultStatus);
        p.Bool(v.CompanyAllowMemberInvites);
        p.Bool(v.CompanyAutoApproveMembers);
        p.Bool(v.CompanyRequireEmailVerification);
        p.TimestampTz(s.now);
    }

    private static Task<TenantPolicies?> ReadOneAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        PgReads.OneAsync(reader, Read, cancellationToken);

    internal static TenantPolicies Read(NpgsqlDataReader r)
    {
        const string T = TenantPolicies.TableName;
        var id = r.GetGuid(0);
        var key = new RowKey(id);
        return new TenantPolicies
        {
            TenantId = new TenantId(id),
            PasswordMinLength = r.RequiredInt(1, T, key),
            PasswordRequireUppercase = r.RequiredBool(2, T, key),
            PasswordRequireNumbers = r.RequiredBool(3, T, key),
            PasswordRequireSymbols = r.RequiredBool(4, T, key),
            SessionTimeoutHours = r.RequiredInt(5, T, key),
            MaxLoginAttempts = r.RequiredInt(6, T, key),
            TwoFactorRequired = r.RequiredBool(7, T, key),
            CompanyDefaultStatus = r.RequiredText(8, T, key),
            CompanyAllowMemberInvites = r.RequiredBool(9, T, key),
            CompanyAutoApproveMembers = r.RequiredBool(10, T, key),
            CompanyRequireEmailVerification = r.RequiredBool(11, T, key),
            Created = r.RequiredTimestamp(12, T, key),
            Updated = r.RequiredTimestamp(13, T, key),
        };
    }
}
