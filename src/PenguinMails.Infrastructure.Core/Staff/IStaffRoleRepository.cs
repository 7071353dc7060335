namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// Reads and writes <c>staff_roles</c> and the grants of <c>staff_role_permissions</c>. Implemented on PostgreSQL
/// (<c>NpgsqlStaffRoleRepository</c>) and in memory (<c>InMemoryStaffRoleRepository</c> in the Testing package), with the
/// same behaviour.
/// </summary>
/// <remarks>
/// <c>staff_roles</c> has no <c>updated</c> column, so <see cref="UpdateAsync"/> takes the snapshot the caller read
/// and compares the values it replaces (name and description): a change between the read and the write is a
/// <see cref="ConcurrencyConflictException"/>. A change that was undone in between (A → B → A) is not detected.
/// </remarks>
public interface IStaffRoleRepository
{
    /// <summary>The role with this id, or null.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<StaffRole?> GetAsync(StaffRoleId id, CancellationToken cancellationToken = default);

    /// <summary>The role with this name (exact, case-sensitive match), or null.</summary>
    /// <param name="name">The role name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<StaffRole?> GetByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>One page of roles, ordered by id.</summary>
    /// <param name="page">The page to read, or null for the first 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentOutOfRangeException">The page limit is outside 1..1000.</exception>
    /// <exception cref="ArgumentException">The continuation token is not one this library issued.</exception>
    Task<Page<StaffRole>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>How many roles there are.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts a new role after validating it. <c>created</c> is set from the store's clock.</summary>
    /// <param name="role">The role; its id is chosen by the application.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The role as stored.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="DuplicateEntityException">The id (<c>primary key</c>) or the <c>name</c> is taken.</exception>
    Task<StaffRole> AddAsync(StaffRole role, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the name and description of <paramref name="changed"/> if the row still holds the name and description
    /// of <paramref name="current"/> (optimistic concurrency by the previous values: the table has no <c>updated</c>
    /// column). <c>created</c> is never changed.
    /// </summary>
    /// <param name="current">The snapshot the caller read.</param>
    /// <param name="changed">The same role with its new name and description.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The role as stored.</returns>
    /// <exception cref="ArgumentException">The two snapshots have different ids.</exception>
    /// <exception cref="EntityValidationException">A field of <paramref name="changed"/> breaks a rule.</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The name or description changed since <paramref name="current"/> was read.</exception>
    /// <exception cref="DuplicateEntityException">The new <c>name</c> is taken by another role.</exception>
    Task<StaffRole> UpdateAsync(StaffRole current, StaffRole changed, CancellationToken cancellationToken = default);

    /// <summary>Deletes a role. False when there was none.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="EntityInUseException">
    /// Staff members still have the role (<c>staff_members</c>) or it still has grants (<c>staff_role_permissions</c>):
    /// the foreign keys have no ON DELETE action. Revoke the grants and move the members first.
    /// </exception>
    Task<bool> DeleteAsync(StaffRoleId id, CancellationToken cancellationToken = default);

    /// <summary>Grants a permission to a role. Idempotent: false when the role already had it, true when it is new.</summary>
    /// <param name="roleId">The role.</param>
    /// <param name="permissionId">The permission.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="EntityValidationException">An id is not greater than 0.</exception>
    /// <exception cref="ReferencedEntityMissingException">The role (<c>role_id</c>) or the permission (<c>permission_id</c>) does not exist.</exception>
    Task<bool> GrantAsync(StaffRoleId roleId, PermissionId permissionId, CancellationToken cancellationToken = default);

    /// <summary>Revokes a permission from a role. False when the role did not have it.</summary>
    /// <param name="roleId">The role.</param>
    /// <param name="permissionId">The permission.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<bool> RevokeAsync(StaffRoleId roleId, PermissionId permissionId, CancellationToken cancellationToken = default);

    /// <summary>The permissions granted to a role, ordered by id; empty when it has none or does not exist.</summary>
    /// <param name="roleId">The role.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IReadOnlyList<Permission>> ListPermissionsAsync(StaffRoleId roleId, CancellationToken cancellationToken = default);
}
