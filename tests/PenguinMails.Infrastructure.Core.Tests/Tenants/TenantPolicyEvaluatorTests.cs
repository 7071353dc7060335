using Microsoft.Extensions.Time.Testing;
using PenguinMails.Infrastructure.Core.Tenants;

namespace PenguinMails.Infrastructure.Core.Tests.Tenants;

public sealed class TenantPolicyEvaluatorTests
{
    private static readonly TenantId Tenant = new(Guid.Parse("0190a000-0000-7000-8000-0000000000aa"));

    private static TenantPolicies Strict(int minLength = 10) =>
        TenantPolicies.Default(Tenant) with
        {
            PasswordMinLength = minLength,
            PasswordRequireUppercase = true,
            PasswordRequireNumbers = true,
            PasswordRequireSymbols = true,
        };

    [Fact]
    public void CheckPassword_DefaultPolicy_OnlyLengthMatters()
    {
        var policy = TenantPolicies.Default(Tenant);
        Assert.Empty(TenantPolicyEvaluator.CheckPassword(policy, "abcdefgh"));
        Assert.Equal([PasswordRule.MinimumLength], TenantPolicyEvaluator.CheckPassword(policy, "abcdefg"));
    }

    [Fact]
    public void CheckPassword_FailsEverything_ReturnsEveryUnmetRuleInOrder() =>
        Assert.Equal(
            [PasswordRule.MinimumLength, PasswordRule.Uppercase, PasswordRule.Number, PasswordRule.Symbol],
            TenantPolicyEvaluator.CheckPassword(Strict(), "abc")
        );

    [Theory]
    [InlineData("Abcdefghi1!", new PasswordRule[0])]
    [InlineData("abcdefghi1!", new[] { PasswordRule.Uppercase })]
    [InlineData("Abcdefghij!", new[] { PasswordRule.Number })]
    [InlineData("Abcdefghij1", new[] { PasswordRule.Symbol })]
    [InlineData("Abcdefgh1 x", new[] { PasswordRule.Symbol })] // a space is not a symbol
    [InlineData("Ab1!", new[] { PasswordRule.MinimumLength })]
    public void CheckPassword_EachRule_ReportedAlone(string password, PasswordRule[] expected) =>
        Assert.Equal(expected, TenantPolicyEvaluator.CheckPassword(Strict(), password));

    [Theory]
    [InlineData('!')]
    [InlineData('@')]
    [InlineData('#')]
    [InlineData('-')]
    [InlineData('_')]
    [InlineData('+')]
    [InlineData('~')]
    [InlineData('€')]
    [InlineData('(')]
    [InlineData('«')]
    [InlineData(')')] // Pe
    [InlineData('»')] // Pf
    [InlineData('^')] // Sk
    [InlineData('©')] // So
    public void CheckPassword_PunctuationOrSymbolCategory_CountsAsSymbol(char symbol) =>
        Assert.Empty(TenantPolicyEvaluator.CheckPassword(Strict(4), "Ab1" + symbol));

    [Theory]
    [InlineData("Ab1 ")]
    [InlineData("Ab1\t")]
    [InlineData("Ab1é")]
    [InlineData("Ab1\u0301")] // a combining mark
    public void CheckPassword_SpaceLetterOrMark_NotASymbol(string password) =>
        Assert.Equal([PasswordRule.Symbol], TenantPolicyEvaluator.CheckPassword(Strict(4), password));

    [Fact]
    public void CheckPassword_NonAsciiUppercaseAndDigits_Count() =>
        Assert.Empty(TenantPolicyEvaluator.CheckPassword(Strict(4), "Ébc٣!")); // É is Lu, ٣ is Nd

    [Fact]
    public void CheckPassword_Length_CountsUnicodeScalarValuesNotUtf16Units()
    {
        var policy = TenantPolicies.Default(Tenant) with { PasswordMinLength = 4 };
        Assert.Equal([PasswordRule.MinimumLength], TenantPolicyEvaluator.CheckPassword(policy, "ab😀")); // 4 UTF-16 units, 3 characters
        Assert.Empty(TenantPolicyEvaluator.CheckPassword(policy, "ab😀c"));
    }

    [Theory]
    [InlineData(0, false, 5)]
    [InlineData(4, false, 1)]
    [InlineData(5, true, 0)]
    [InlineData(9, true, 0)]
    public void IsLockedOut_AtMaxLoginAttempts_Locked(int failures, bool locked, int remaining)
    {
        var policy = TenantPolicies.Default(Tenant); // max_login_attempts 5
        Assert.Equal(locked, TenantPolicyEvaluator.IsLockedOut(policy, failures));
        Assert.Equal(remaining, TenantPolicyEvaluator.RemainingAttempts(policy, failures));
    }

    [Fact]
    public void IsLockedOut_NegativeCount_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TenantPolicyEvaluator.IsLockedOut(TenantPolicies.Default(Tenant), -1));

    [Fact]
    public void IsSessionExpired_AtTimeoutHours_Expired()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var started = clock.GetUtcNow();
        var policy = TenantPolicies.Default(Tenant) with { SessionTimeoutHours = 8 };
        Assert.Equal(started.AddHours(8), TenantPolicyEvaluator.SessionExpiresAt(policy, started));

        clock.Advance(TimeSpan.FromHours(8) - TimeSpan.FromTicks(1));
        Assert.False(TenantPolicyEvaluator.IsSessionExpired(policy, started, clock));
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(TenantPolicyEvaluator.IsSessionExpired(policy, started, clock));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RequiresTwoFactor_FollowsPolicy(bool required) =>
        Assert.Equal(required, TenantPolicyEvaluator.RequiresTwoFactor(TenantPolicies.Default(Tenant) with { TwoFactorRequired = required }));

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(false, false, false)]
    [InlineData(false, true, true)]
    [InlineData(true, true, true)]
    public void MayInviteMembers_AdminsAlwaysMembersByPolicy(bool allowMemberInvites, bool isAdmin, bool expected) =>
        Assert.Equal(expected, TenantPolicyEvaluator.MayInviteMembers(TenantPolicies.Default(Tenant) with { CompanyAllowMemberInvites = allowMemberInvites }, isAdmin));

    [Theory]
    [InlineData(true, false, false, MemberAdmission.PendingEmailVerification)]
    [InlineData(true, true, false, MemberAdmission.PendingEmailVerification)]
    [InlineData(true, false, true, MemberAdmission.PendingApproval)]
    [InlineData(true, true, true, MemberAdmission.Approved)]
    [InlineData(false, false, false, MemberAdmission.PendingApproval)]
    [InlineData(false, true, false, MemberAdmission.Approved)]
    public void DecideAdmission_EveryCombination_Decided(bool requireVerification, bool autoApprove, bool verified, MemberAdmission expected) =>
        Assert.Equal(
            expected,
            TenantPolicyEvaluator.DecideAdmission(
                TenantPolicies.Default(Tenant) with { CompanyRequireEmailVerification = requireVerification, CompanyAutoApproveMembers = autoApprove },
                verified
            )
        );

    [Fact]
    public void EveryMethod_NullPolicies_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => TenantPolicyEvaluator.CheckPassword(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => TenantPolicyEvaluator.CheckPassword(TenantPolicies.Default(Tenant), null!));
        Assert.Throws<ArgumentNullException>(() => TenantPolicyEvaluator.IsLockedOut(null!, 0));
        Assert.Throws<ArgumentNullException>(() => TenantPolicyEvaluator.RemainingAttempts(null!, 0));
        Assert.Throws<ArgumentNullException>(() => TenantPolicyEvaluator.SessionExpiresAt(null!, DateTimeOffset.UnixEpoch));
        Assert.Throws<ArgumentNullException>(() => TenantPolicyEvaluator.IsSessionExpired(null!, DateTimeOffset.UnixEpoch, TimeProvider.System));
        Assert.Throws<ArgumentNullException>(() => TenantPolicyEvaluator.IsSessionExpired(TenantPolicies.Default(Tenant), DateTimeOffset.UnixEpoch, null!));
        Assert.Throws<ArgumentNullException>(() => TenantPolicyEvaluator.RequiresTwoFactor(null!));
        Assert.Throws<ArgumentNullException>(() => TenantPolicyEvaluator.MayInviteMembers(null!, true));
        Assert.Throws<ArgumentNullException>(() => TenantPolicyEvaluator.DecideAdmission(null!, true));
    }

    [Fact]
    public void RemainingAttempts_NegativeCount_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TenantPolicyEvaluator.RemainingAttempts(TenantPolicies.Default(Tenant), -1));

    [Fact]
    public void SessionExpiresAt_NonUtcStart_ReturnsUtc()
    {
        var started = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.FromHours(2));
        var policy = TenantPolicies.Default(Tenant) with { SessionTimeoutHours = 8 };

        var expires = TenantPolicyEvaluator.SessionExpiresAt(policy, started);

        Assert.Equal(TimeSpan.Zero, expires.Offset);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 16, 0, 0, TimeSpan.Zero), expires);
    }

    [Fact]
    public void CheckPassword_ExactlyMinimumLength_Passes()
    {
        var policy = TenantPolicies.Default(Tenant) with { PasswordMinLength = 5 };

        Assert.Empty(TenantPolicyEvaluator.CheckPassword(policy, "abcde"));
        Assert.Equal([PasswordRule.MinimumLength], TenantPolicyEvaluator.CheckPassword(policy, "abcd"));
    }
}
