namespace PenguinMails.Infrastructure.Core.Tenants;

/// <summary>
/// A row of <c>tenant_policies</c>: the security and membership rules a tenant enforces on its users. An immutable
/// snapshot; change it with <c>with</c> and write it through a repository.
/// </summary>
/// <remarks>
/// The schema has no CHECK on these integers; the library adds ranges that reject nonsense before a write:
/// <c>password_min_length</c> 1..128 (128 is the longest password a login form is expected to accept, per OWASP
/// guidance of at least 64), <c>session_timeout_hours</c> 1..8760 (one year), <c>max_login_attempts</c> 1..100.
/// </remarks>
public sealed record TenantPolicies : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "tenant_policies";

    /// <summary>The smallest <see cref="PasswordMinLength"/>.</summary>
    public const int MinPasswordMinLength = 1;

    /// <summary>The largest <see cref="PasswordMinLength"/>.</summary>
    public const int MaxPasswordMinLength = 128;

    /// <summary>The smallest <see cref="SessionTimeoutHours"/>.</summary>
    public const int MinSessionTimeoutHours = 1;

    /// <summary>The largest <see cref="SessionTimeoutHours"/> (one year).</summary>
    public const int MaxSessionTimeoutHours = 8760;

    /// <summary>The smallest <see cref="MaxLoginAttempts"/>.</summary>
    public const int MinMaxLoginAttempts = 1;

    /// <summary>The largest <see cref="MaxLoginAttempts"/>.</summary>
    public const int MaxMaxLoginAttempts = 100;

    /// <summary><c>tenant_id</c> UUID PRIMARY KEY REFERENCES tenants(id).</summary>
    public required TenantId TenantId { get; init; }

    /// <summary><c>password_min_length</c> INTEGER DEFAULT 8, 1..128.</summary>
    public int PasswordMinLength { get; init; } = 8;

    /// <summary><c>password_require_uppercase</c> BOOLEAN DEFAULT FALSE.</summary>
    public bool PasswordRequireUppercase { get; init; }

    /// <summary><c>password_require_numbers</c> BOOLEAN DEFAULT FALSE.</summary>
    public bool PasswordRequireNumbers { get; init; }

    /// <summary><c>password_require_symbols</c> BOOLEAN DEFAULT FALSE.</summary>
    public bool PasswordRequireSymbols { get; init; }

    /// <summary><c>session_timeout_hours</c> INTEGER DEFAULT 8, 1..8760.</summary>
    public int SessionTimeoutHours { get; init; } = 8;

    /// <summary><c>max_login_attempts</c> INTEGER DEFAULT 5, 1..100.</summary>
    public int MaxLoginAttempts { get; init; } = 5;

    /// <summary><c>two_factor_required</c> BOOLEAN DEFAULT FALSE.</summary>
    public bool TwoFactorRequired { get; init; }

    /// <summary>
    /// <c>company_default_status</c> VARCHAR(50) DEFAULT 'active': the status a new company starts in, a snake_case
    /// token of at most 50 characters.
    /// </summary>
    public string CompanyDefaultStatus { get; init; } = "active";

    /// <summary><c>company_allow_member_invites</c> BOOLEAN DEFAULT TRUE.</summary>
    public bool CompanyAllowMemberInvites { get; init; } = true;

    /// <summary><c>company_auto_approve_members</c> BOOLEAN DEFAULT FALSE.</summary>
    public bool CompanyAutoApproveMembers { get; init; }

    /// <summary><c>company_require_email_verification</c> BOOLEAN DEFAULT TRUE.</summary>
    public bool CompanyRequireEmailVerification { get; init; } = true;

    /// <summary><c>created</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on insert.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary><c>updated</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on every write.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <summary>The policies of a tenant that has set nothing: the seed's defaults.</summary>
    /// <param name="tenantId">The tenant.</param>
    public static TenantPolicies Default(TenantId tenantId) => new() { TenantId = tenantId };

    /// <inheritdoc />
    public IReadOnlyList<FieldError> Validate() =>
        new FieldRules()
            .NotEmpty("tenant_id", TenantId.Value)
            .Range("password_min_length", PasswordMinLength, MinPasswordMinLength, MaxPasswordMinLength)
            .Range("session_timeout_hours", SessionTimeoutHours, MinSessionTimeoutHours, MaxSessionTimeoutHours)
            .Range("max_login_attempts", MaxLoginAttempts, MinMaxLoginAttempts, MaxMaxLoginAttempts)
            .SnakeCase("company_default_status", CompanyDefaultStatus, 50)
            .Errors;
}
