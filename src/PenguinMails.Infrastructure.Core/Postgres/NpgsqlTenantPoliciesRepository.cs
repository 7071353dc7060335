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

    private static readonly string[] Written =
    [
        "password_min_length",
        "password_require_uppercase",
        "password_require_numbers",
        "password_require_symbols",
        "session_timeout_hours",
        "max_login_attempts",
        "two_factor_required",
        "company_default_status",
        "company_allow_member_invites",
        "company_auto_approve_members",
        "company_require_email_verification",
    ];

    private readonly TenantRowTable<TenantPolicies> _table;

    /// <summary>Initializes a repository over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for <c>created</c>/<c>updated</c>; the system clock by default.</param>
    public NpgsqlTenantPoliciesRepository(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlTenantPoliciesRepository(PgExecutor db, TimeProvider timeProvider)
    {
        _table = new TenantRowTable<TenantPolicies>(db, timeProvider, Entity, TenantPolicies.TableName, Columns, Written, static x => x.TenantId, static x => x.Updated, Bind, Read);
    }

    /// <inheritdoc />
    public Task<TenantPolicies?> GetAsync(TenantId tenantId, CancellationToken cancellationToken = default) => _table.GetAsync(tenantId, cancellationToken);

    /// <inheritdoc />
    public Task<Page<TenantPolicies>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default) => _table.ListAsync(page, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountAsync(CancellationToken cancellationToken = default) => _table.CountAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<TenantPolicies> AddAsync(TenantPolicies policies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return await _table.AddAsync(policies, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<TenantPolicies> UpdateAsync(TenantPolicies policies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return await _table.UpdateAsync(policies, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(TenantId tenantId, CancellationToken cancellationToken = default) => _table.DeleteAsync(tenantId, cancellationToken);

    /// <summary>Binds $1 (the tenant), then the columns of <see cref="Written"/> in order.</summary>
    private static void Bind(NpgsqlParameterCollection p, TenantPolicies v)
    {
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
    }

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
