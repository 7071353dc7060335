namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// Changes who may do what. Every method takes the acting user and requires <see cref="WellKnownPermissions.StaffManage"/>:
/// without it the method throws <see cref="PermissionDeniedException"/> and logs the denial (event 6101) before touching
/// anything. Every change invalidates the permission cache of this process at once.
/// </summary>
public interface IStaffAdministration
{
    /// <summary>Creates a role (no permissions yet).</summary>
    /// <param name="actor">The user performing the change.</param>
    /// <param name="role">The role; its id is chosen by the application.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The role as stored.</returns>
    /// <exception cref="PermissionDeniedException">The acting user lacks <c>staff.manage</c>.</exception>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="DuplicateEntityException">The id or the name is taken.</exception>
    Task<StaffRole> CreateRoleAsync(UserId actor, StaffRole role, CancellationToken cancellationToken = default);

    /// <summary>Grants a permission, by name, to a role. False when the role already had it.</summary>
    /// <param name="actor">The user performing the change.</param>
    /// <param name="roleId">The role.</param>
    /// <param name="permission">The permission name, for example <see cref="WellKnownPermissions.VpsRead"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PermissionDeniedException">The acting user lacks <c>staff.manage</c>.</exception>
    /// <exception cref="EntityNotFoundException">No permission has that name.</exception>
    /// <exception cref="ReferencedEntityMissingException">The role does not exist.</exception>
    Task<bool> GrantAsync(UserId actor, StaffRoleId roleId, string permission, CancellationToken cancellationToken = default);

    /// <summary>Revokes a permission, by name, from a role. False when the role did not have it.</summary>
    /// <param name="actor">The user performing the change.</param>
    /// <param name="roleId">The role.</param>
    /// <param name="permission">The permission name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PermissionDeniedException">The acting user lacks <c>staff.manage</c>.</exception>
    /// <exception cref="EntityNotFoundException">No permission has that name.</exception>
    Task<bool> RevokeAsync(UserId actor, StaffRoleId roleId, string permission, CancellationToken cancellationToken = default);

    /// <summary>Makes a user a staff member with a role, or moves an existing staff member to that role.</summary>
    /// <param name="actor">The user performing the change.</param>
    /// <param name="userId">The user to assign.</param>
    /// <param name="roleId">The role.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The staff member as stored.</returns>
    /// <exception cref="PermissionDeniedException">The acting user lacks <c>staff.manage</c>.</exception>
    /// <exception cref="ReferencedEntityMissingException">The user or the role does not exist.</exception>
    /// <exception cref="ConcurrencyConflictException">The staff member changed during the call.</exception>
    Task<StaffMember> AssignAsync(UserId actor, UserId userId, StaffRoleId roleId, CancellationToken cancellationToken = default);

    /// <summary>Removes a user from the staff (deletes the <c>staff_members</c> row). False when the user was not staff.</summary>
    /// <param name="actor">The user performing the change.</param>
    /// <param name="userId">The user to remove.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PermissionDeniedException">The acting user lacks <c>staff.manage</c>.</exception>
    Task<bool> RemoveAsync(UserId actor, UserId userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// For provisioning only: makes <paramref name="userId"/> the first administrator when nobody holds
    /// <c>staff.manage</c> yet. Creates the role <see cref="StaffAdministration.AdministratorRoleName"/> (with
    /// <paramref name="roleId"/>) unless a role of that name exists, grants it every permission in the store, and assigns
    /// the user. Needs no acting user; refuses once any staff member holds <c>staff.manage</c>.
    /// </summary>
    /// <param name="userId">The user to make administrator (must exist in the host's <c>users</c>).</param>
    /// <param name="roleId">The id for the administrator role if it must be created.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The staff member as stored.</returns>
    /// <exception cref="InvalidOperationException">Some staff member already holds <c>staff.manage</c>.</exception>
    Task<StaffMember> BootstrapAdministratorAsync(UserId userId, StaffRoleId roleId, CancellationToken cancellationToken = default);
}
