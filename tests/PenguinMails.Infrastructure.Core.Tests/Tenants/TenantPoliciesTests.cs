using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Tests.Seed;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Tenants;

public sealed class TenantPoliciesTests
{
    private static TenantPolicies Valid() => TenantPolicies.Default(TenantId.New());

    [Fact]
    public void Validate_DefaultPolicies_HaveNoErrors()
    {
        Assert.Empty(Valid().Validate());
    }

    public static TheoryData<string, Func<TenantPolicies, object>> SeedDefaults() =>
        new()
        {
            { "password_min_length", p => p.PasswordMinLength },
            { "password_require_uppercase", p => p.PasswordRequireUppercase },
            { "password_require_numbers", p => p.PasswordRequireNumbers },
            { "password_require_symbols", p => p.PasswordRequireSymbols },
            { "session_timeout_hours", p => p.SessionTimeoutHours },
            { "max_login_attempts", p => p.MaxLoginAttempts },
            { "two_factor_required", p => p.TwoFactorRequired },
            { "company_default_status", p => p.CompanyDefaultStatus },
            { "company_allow_member_invites", p => p.CompanyAllowMemberInvites },
            { "company_auto_approve_members", p => p.CompanyAutoApproveMembers },
            { "company_require_email_verification", p => p.CompanyRequireEmailVerification },
        };

    [Theory]
    [MemberData(nameof(SeedDefaults))]
    public void Default_MatchesSeedDefaultClause(string column, Func<TenantPolicies, object> read)
    {
        var tenant = TenantId.New();

        Assert.Equal(SeedContract.DefaultOf(TenantPolicies.TableName, column), SqlLiteral.Of(read(TenantPolicies.Default(tenant))));
        Assert.Equal(SeedContract.DefaultOf(TenantPolicies.TableName, column), SqlLiteral.Of(read(new TenantPolicies { TenantId = tenant })));
    }

    [Fact]
    public void Default_KeepsTenantId()
    {
        var tenant = TenantId.New();

        Assert.Equal(tenant, TenantPolicies.Default(tenant).TenantId);
    }

    public static TheoryData<string, Func<TenantPolicies, TenantPolicies>, string, string> Failing() =>
        new()
        {
            { "empty tenant", p => p with { TenantId = default }, "tenant_id", "not_empty" },
            { "password length 0", p => p with { PasswordMinLength = 0 }, "password_min_length", "range" },
            { "password length 129", p => p with { PasswordMinLength = 129 }, "password_min_length", "range" },
            { "session 0 hours", p => p with { SessionTimeoutHours = 0 }, "session_timeout_hours", "range" },
            { "session 8761 hours", p => p with { SessionTimeoutHours = 8761 }, "session_timeout_hours", "range" },
            { "login attempts 0", p => p with { MaxLoginAttempts = 0 }, "max_login_attempts", "range" },
            { "login attempts 101", p => p with { MaxLoginAttempts = 101 }, "max_login_attempts", "range" },
            { "login attempts negative", p => p with { MaxLoginAttempts = -5 }, "max_login_attempts", "range" },
            { "status null", p => p with { CompanyDefaultStatus = null! }, "company_default_status", "required" },
            { "status empty", p => p with { CompanyDefaultStatus = "" }, "company_default_status", "required" },
            { "status upper", p => p with { CompanyDefaultStatus = "Active" }, "company_default_status", "snake_case" },
            { "status kebab", p => p with { CompanyDefaultStatus = "pending-review" }, "company_default_status", "snake_case" },
            { "status double underscore", p => p with { CompanyDefaultStatus = "pending__review" }, "company_default_status", "snake_case" },
            { "status trailing underscore", p => p with { CompanyDefaultStatus = "pending_" }, "company_default_status", "snake_case" },
            { "status digit first", p => p with { CompanyDefaultStatus = "1active" }, "company_default_status", "snake_case" },
            { "status 51", p => p with { CompanyDefaultStatus = "a" + new string('b', 50) }, "company_default_status", "max_length" },
        };

    [Theory]
    [MemberData(nameof(Failing))]
    public void Validate_BadValue_ReportsFieldAndRule(string _, Func<TenantPolicies, TenantPolicies> change, string field, string rule)
    {
        var error = Assert.Single(change(Valid()).Validate());

        Assert.Equal(field, error.Field);
        Assert.Equal(rule, error.Rule);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_StatusWithNewline_FailsSingleLineAndFormat()
    {
        var errors = (Valid() with { CompanyDefaultStatus = "active\n" }).Validate();

        Assert.Equal([("company_default_status", "no_control"), ("company_default_status", "snake_case")], errors.Select(e => (e.Field, e.Rule)));
    }

    public static TheoryData<string, Func<TenantPolicies, TenantPolicies>> Passing() =>
        new()
        {
            { "password length 1", p => p with { PasswordMinLength = TenantPolicies.MinPasswordMinLength } },
            { "password length 128", p => p with { PasswordMinLength = TenantPolicies.MaxPasswordMinLength } },
            { "session 1 hour", p => p with { SessionTimeoutHours = 1 } },
            { "session one year", p => p with { SessionTimeoutHours = 8760 } },
            { "login attempts 1", p => p with { MaxLoginAttempts = 1 } },
            { "login attempts 100", p => p with { MaxLoginAttempts = 100 } },
            { "status with underscore and digit", p => p with { CompanyDefaultStatus = "pending_review2" } },
            { "status 50", p => p with { CompanyDefaultStatus = "a" + new string('b', 49) } },
            { "every switch flipped", p => p with { PasswordRequireNumbers = true, PasswordRequireSymbols = true, PasswordRequireUppercase = true, TwoFactorRequired = true, CompanyAllowMemberInvites = false, CompanyAutoApproveMembers = true, CompanyRequireEmailVerification = false } },
        };

    [Theory]
    [MemberData(nameof(Passing))]
    public void Validate_EdgeValue_IsAccepted(string _, Func<TenantPolicies, TenantPolicies> change)
    {
        Assert.Empty(change(Valid()).Validate());
    }
}
