namespace PenguinMails.Infrastructure.Core.Tenants;

/// <summary>What happens to a new member of a tenant, by <see cref="TenantPolicies"/>.</summary>
public enum MemberAdmission
{
    /// <summary>The member joins at once (<c>company_auto_approve_members</c>).</summary>
    Approved,

    /// <summary>A tenant administrator must approve the member.</summary>
    PendingApproval,

    /// <summary>The member must first verify their email address (<c>company_require_email_verification</c>).</summary>
    PendingEmailVerification,
}
