using System.Globalization;
using System.Text;

namespace PenguinMails.Infrastructure.Core.Tenants;

/// <summary>
/// Pure decisions from a tenant's <see cref="TenantPolicies"/>: no I/O, the same answer for the same input (time is
/// passed in or read from a <see cref="TimeProvider"/>).
/// </summary>
public static class TenantPolicyEvaluator
{
    /// <summary>Every rule <paramref name="password"/> fails, in the order of <see cref="PasswordRule"/>; empty when it passes.</summary>
    /// <param name="policies">The tenant's policies.</param>
    /// <param name="password">The candidate password (never stored, logged or echoed).</param>
    /// <returns>The unmet rules.</returns>
    public static IReadOnlyList<PasswordRule> CheckPassword(TenantPolicies policies, string password)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(password);
        int length = 0;
        bool upper = false, digit = false, symbol = false;
        foreach (var rune in password.EnumerateRunes())
        {
            length++;
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.UppercaseLetter:
                    upper = true;
                    break;
                case UnicodeCategory.DecimalDigitNumber:
                    digit = true;
                    break;
                case UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                    or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                    or UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
                    or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol:
                    symbol = true;
                    break;
            }
        }

        var unmet = new List<PasswordRule>(4);
        if (length < policies.PasswordMinLength)
        {
            unmet.Add(PasswordRule.MinimumLength);
        }

        if (policies.PasswordRequireUppercase && !upper)
        {
            unmet.Add(PasswordRule.Uppercase);
        }

        if (policies.PasswordRequireNumbers && !digit)
        {
            unmet.Add(PasswordRule.Number);
        }

        if (policies.PasswordRequireSymbols && !symbol)
        {
            unmet.Add(PasswordRule.Symbol);
        }

        return unmet;
    }

    /// <summary>Whether an account is locked after <paramref name="consecutiveFailedAttempts"/> failed sign-ins: at <c>max_login_attempts</c> or more.</summary>
    /// <param name="policies">The tenant's policies.</param>
    /// <param name="consecutiveFailedAttempts">Failed attempts since the last success (not negative).</param>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative.</exception>
    public static bool IsLockedOut(TenantPolicies policies, int consecutiveFailedAttempts)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentOutOfRangeException.ThrowIfNegative(consecutiveFailedAttempts);
        return consecutiveFailedAttempts >= policies.MaxLoginAttempts;
    }

    /// <summary>How many more failed sign-ins are allowed before the lockout (0 when locked).</summary>
    /// <param name="policies">The tenant's policies.</param>
    /// <param name="consecutiveFailedAttempts">Failed attempts since the last success (not negative).</param>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative.</exception>
    public static int RemainingAttempts(TenantPolicies policies, int consecutiveFailedAttempts)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentOutOfRangeException.ThrowIfNegative(consecutiveFailedAttempts);
        return Math.Max(0, policies.MaxLoginAttempts - consecutiveFailedAttempts);
    }

    /// <summary>When a session that started at <paramref name="sessionStarted"/> expires: <c>session_timeout_hours</c> later.</summary>
    /// <param name="policies">The tenant's policies.</param>
    /// <param name="sessionStarted">When the session started (signed in).</param>
    public static DateTimeOffset SessionExpiresAt(TenantPolicies policies, DateTimeOffset sessionStarted)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return sessionStarted.ToUniversalTime().AddHours(policies.SessionTimeoutHours);
    }

    /// <summary>Whether the session has expired now (at or after <see cref="SessionExpiresAt"/>).</summary>
    /// <param name="policies">The tenant's policies.</param>
    /// <param name="sessionStarted">When the session started.</param>
    /// <param name="timeProvider">The clock.</param>
    public static bool IsSessionExpired(TenantPolicies policies, DateTimeOffset sessionStarted, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return timeProvider.GetUtcNow() >= SessionExpiresAt(policies, sessionStarted);
    }

    /// <summary>Whether members must sign in with a second factor (<c>two_factor_required</c>).</summary>
    /// <param name="policies">The tenant's policies.</param>
    public static bool RequiresTwoFactor(TenantPolicies policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return policies.TwoFactorRequired;
    }

    /// <summary>
    /// Whether a member may invite others. Tenant administrators always may; other members only when
    /// <c>company_allow_member_invites</c> is on.
    /// </summary>
    /// <param name="policies">The tenant's policies.</param>
    /// <param name="isTenantAdministrator">Whether the inviter administers the tenant (the host decides who does).</param>
    public static bool MayInviteMembers(TenantPolicies policies, bool isTenantAdministrator)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return isTenantAdministrator || policies.CompanyAllowMemberInvites;
    }

    /// <summary>
    /// What happens to a new member: email verification first when <c>company_require_email_verification</c> and the
    /// address is unverified; then approved at once when <c>company_auto_approve_members</c>, otherwise pending approval.
    /// </summary>
    /// <param name="policies">The tenant's policies.</param>
    /// <param name="emailVerified">Whether the new member's email address is verified.</param>
    public static MemberAdmission DecideAdmission(TenantPolicies policies, bool emailVerified)
    {
        ArgumentNullException.ThrowIfNull(policies);
        if (policies.CompanyRequireEmailVerification && !emailVerified)
        {
            return MemberAdmission.PendingEmailVerification;
        }

        return policies.CompanyAutoApproveMembers ? MemberAdmission.Approved : MemberAdmission.PendingApproval;
    }
}
