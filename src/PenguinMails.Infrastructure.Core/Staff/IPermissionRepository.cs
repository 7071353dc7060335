namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// Reads and writes <c>permissions</c>. Implemented on PostgreSQL (<c>NpgsqlPermissionRepository</c>) and in memory
/// (<c>InMemoryPermissionRepository</c> in the Testing package), with the same behaviour.
/// </summary>
/// <remarks>
/// Both stores start with the package's catalog (<see cref="WellKnownPermissions"/>, seeded by schema version 7);
/// its ids are taken. Application teams add their own permissions with ids from
/// <see cref="WellKnownPermissions.FirstApplicationId"/> on (the store does not enforce that range).
/// <c>permissions</c> has no <c>updated</c> column, so <see cref="UpdateAsync"/> compares the values it replaces.
/// </remarks>
public interface IPermissionRepository
{
    /// <summary>The permission with this id, or null.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<Permission?> GetAsync(PermissionId id, CancellationToken cancellationToken = default);

    /// <summary>The permission with this name (exact match), or null.</summary>
    /// <param name="name">The name, for example <c>staff.manage</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<Permission?> GetByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>One page of permissions matching <paramref name="filter"/>, ordered by id.</summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="page">The page to read, or null for the first 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentOutOfRangeException">The page limit is outside 1..1000.</exception>
    /// <exception cref="ArgumentException">The continuation token is not one this library issued.</exception>
    Task<Page<Permission>> ListAsync(PermissionFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>How many permissions match <paramref name="filter"/>.</summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CountAsync(PermissionFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Inserts a new permission after validating it. <c>created</c> is set from the store's clock.</summary>
    /// <param name="permission">The permission; its id is chosen by the application.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The permission as stored.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="DuplicateEntityException">The id (<c>primary key</c>) or the <c>name</c> is taken.</exception>
    Task<Permission> AddAsync(Permission permission, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the name, description and category of <paramref name="changed"/> if the row still holds those of
    /// <paramref name="current"/> (optimistic concurrency by the previous values). <c>created</c> is never changed.
    /// </summary>
    /// <param name="current">The snapshot the caller read.</param>
    /// <param name="changed">The same permission with its new values.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The permission as stored.</returns>
    /// <exception cref="ArgumentException">The two snapshots have different ids.</exception>
    /// <exception cref="EntityValidationException">A field of <paramref name="changed"/> breaks a rule.</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The row changed since <paramref name="current"/> was read.</exception>
    /// <exception cref="DuplicateEntityException">The new <c>name</c> is taken by another permission.</exception>
    Task<Permission> UpdateAsync(Permission current, Permission changed, CancellationToken cancellationToken = default);

    /// <summary>Deletes a permission. False when there was none.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="EntityInUseException">A role still has it (<c>staff_role_permissions</c>); revoke it first.</exception>
    Task<bool> DeleteAsync(PermissionId id, CancellationToken cancellationToken = default);
}
