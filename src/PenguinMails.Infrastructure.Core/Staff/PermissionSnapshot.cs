using System.Collections.Frozen;

namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// An immutable picture of who holds what: member → role and role → permission names, frozen for lookups that are
/// O(1) and allocate nothing. Pure: built from rows, no I/O. Deny by default: a user absent from the members, a member
/// without a role, or a role without the permission has no permission.
/// </summary>
public sealed class PermissionSnapshot
{
    private readonly FrozenDictionary<UserId, StaffRoleId> _memberRoles;
    private readonly FrozenDictionary<StaffRoleId, FrozenSet<string>> _rolePermissions;

    private PermissionSnapshot(FrozenDictionary<UserId, StaffRoleId> memberRoles, FrozenDictionary<StaffRoleId, FrozenSet<string>> rolePermissions)
    {
        _memberRoles = memberRoles;
        _rolePermissions = rolePermissions;
    }

    /// <summary>A snapshot in which nobody holds anything.</summary>
    public static PermissionSnapshot Empty { get; } = Create([], new Dictionary<StaffRoleId, IEnumerable<string>>());

    /// <summary>How many staff members have a role.</summary>
    public int MemberCount => _memberRoles.Count;

    /// <summary>Builds a snapshot from the staff members and the permission names granted to each role.</summary>
    /// <param name="members">The staff members; those without a role are left out (they hold nothing).</param>
    /// <param name="rolePermissions">For each role, the names of the permissions granted to it (compared ordinally).</param>
    /// <returns>The snapshot.</returns>
    public static PermissionSnapshot Create(IEnumerable<StaffMember> members, IReadOnlyDictionary<StaffRoleId, IEnumerable<string>> rolePermissions)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(rolePermissions);
        var memberRoles = new Dictionary<UserId, StaffRoleId>();
        foreach (var member in members)
        {
            if (member.RoleId is { } role)
            {
                memberRoles[member.UserId] = role;
            }
        }

        return new PermissionSnapshot(
            memberRoles.ToFrozenDictionary(),
            rolePermissions.ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet(StringComparer.Ordinal))
        );
    }

    /// <summary>Whether <paramref name="userId"/> holds <paramref name="permission"/>. O(1), allocates nothing.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="permission">The permission name (exact, ordinal match).</param>
    public bool Has(UserId userId, string permission) =>
        permission is not null
        && _memberRoles.TryGetValue(userId, out var role)
        && _rolePermissions.TryGetValue(role, out var granted)
        && granted.Contains(permission);

    /// <summary>The role of <paramref name="userId"/>, or null when the user is not a staff member with a role.</summary>
    /// <param name="userId">The user.</param>
    public StaffRoleId? RoleOf(UserId userId) => _memberRoles.TryGetValue(userId, out var role) ? role : null;

    /// <summary>Whether any staff member holds <paramref name="permission"/>.</summary>
    /// <param name="permission">The permission name.</param>
    public bool AnyoneHas(string permission)
    {
        foreach (var role in _memberRoles.Values)
        {
            if (_rolePermissions.TryGetValue(role, out var granted) && granted.Contains(permission))
            {
                return true;
            }
        }

        return false;
    }
}
