namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>Filters for listing and counting staff members; null members do not filter.</summary>
/// <param name="RoleId">Only staff members with this role.</param>
public sealed record StaffMemberFilter(StaffRoleId? RoleId = null);
