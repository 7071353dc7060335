namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// Reads and writes <c>staff_members</c>, and reads the permissions a user holds. Implemented on PostgreSQL
/// (<c>NpgsqlStaffMemberRepository</c>) and in memory (<c>InMemoryStaffMemberRepository</c> in the Testing package),
/// with the same behaviour.
/// </summary>
public interface IStaffMemberRepository
{
    /// <summary>The staff member for this user, or null.</summary>
    /// <param name="userId">The user id (the primary key).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<StaffMember?> GetAsync(UserId userId, CancellationToken cancellationToken = default);

    /// <summary>One page of staff members matching <paramref name="filter"/>, ordered by user id (PostgreSQL's uuid order).</summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="page">The page to read, or null for the first 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="ArgumentOutOfRangeException">The page limit is outside 1..1000.</exception>
    /// <exception cref="ArgumentException">The continuation token is not one this library issued.</exception>
    Task<Page<StaffMember>> ListAsync(StaffMemberFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>How many staff members match <paramref name="filter"/>.</summary>
    /// <param name="filter">The filter, or null for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CountAsync(StaffMemberFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Inserts a new staff member after validating it. <c>created</c> and <c>updated</c> are set from the store's clock.</summary>
    /// <param name="member">The staff member.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The staff member as stored.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="DuplicateEntityException">The user is already a staff member (<c>primary key</c>).</exception>
    /// <exception cref="ReferencedEntityMissingException">
    /// The user does not exist in the host's <c>users</c> (<c>user_id</c>), or the role does not exist (<c>role_id</c>).
    /// </exception>
    Task<StaffMember> AddAsync(StaffMember member, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <c>role_id</c> and <c>notes</c> if the row is still as <paramref name="member"/> was read: same
    /// <see cref="StaffMember.Updated"/> (optimistic concurrency).
    /// </summary>
    /// <param name="member">The changed snapshot, as read plus changes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The staff member as stored, with a new <c>updated</c>.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The row changed since it was read.</exception>
    /// <exception cref="ReferencedEntityMissingException">The new role does not exist (<c>role_id</c>).</exception>
    Task<StaffMember> UpdateAsync(StaffMember member, CancellationToken cancellationToken = default);

    /// <summary>Deletes a staff member (the host's user stays). False when there was none.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<bool> DeleteAsync(UserId userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The names of the permissions the user holds: those granted to the role of the user's <c>staff_members</c> row.
    /// Deny by default: empty when the user is not a staff member or has no role. One read, in one statement.
    /// </summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The names, compared ordinally.</returns>
    Task<IReadOnlySet<string>> GetPermissionNamesAsync(UserId userId, CancellationToken cancellationToken = default);
}
