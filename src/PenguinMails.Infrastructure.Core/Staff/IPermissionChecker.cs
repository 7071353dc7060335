namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// Answers "may this user do this?" for staff permissions. Deny by default: a user has a permission only when a
/// <c>staff_members</c> row gives them a role and <c>staff_role_permissions</c> gives that role the permission.
/// </summary>
public interface IPermissionChecker
{
    /// <summary>Whether <paramref name="userId"/> holds <paramref name="permission"/>.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="permission">The permission name, for example <see cref="WellKnownPermissions.StaffManage"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<bool> HasPermissionAsync(UserId userId, string permission, CancellationToken cancellationToken = default);

    /// <summary>Throws <see cref="PermissionDeniedException"/> unless <paramref name="userId"/> holds <paramref name="permission"/>.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="permission">The permission name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PermissionDeniedException">The user lacks the permission.</exception>
    ValueTask EnsurePermissionAsync(UserId userId, string permission, CancellationToken cancellationToken = default);
}
