namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// The in-memory store's lock groups: the tables joined by foreign keys (or cascades). The IP-pool tables lock rows
/// (<see cref="TableGroupMap.RowLocked"/>); each other group shares one write lock, so a check against a referenced
/// row and a delete of that row can never run in two units at once. Tables in different groups never reference each
/// other (only the host ids, which are never deleted while a unit is open), so writes to different groups run
/// concurrently.
/// </summary>
[Flags]
internal enum TableGroups
{
    None = 0,

    /// <summary><c>vps_instances</c>, <c>smtp_ip_addresses</c>, <c>domain_ip_assignments</c>.</summary>
    IpPools = 1,

    /// <summary><c>staff_roles</c>, <c>permissions</c>, <c>staff_role_permissions</c>, <c>staff_members</c>.</summary>
    Staff = 2,

    /// <summary><c>feature_flags</c>.</summary>
    FeatureFlags = 4,

    /// <summary><c>system_config</c>.</summary>
    SystemConfig = 8,

    /// <summary><c>tenant_config</c>.</summary>
    TenantConfig = 16,

    /// <summary><c>tenant_policies</c>.</summary>
    TenantPolicies = 32,

    /// <summary><c>user_preferences</c>.</summary>
    UserPreferences = 64,

    All = 127,
}

/// <summary>Which group each in-memory table belongs to.</summary>
internal static class TableGroupMap
{
    /// <summary>The number of groups (bits of <see cref="TableGroups.All"/>).</summary>
    public const int Count = 7;

    /// <summary>
    /// The groups whose writes lock rows, as PostgreSQL does (each changed row, the unique values set, the rows foreign
    /// keys point at; <see cref="IpPoolRowLocks"/>); every other group's writes take the group's one lock.
    /// </summary>
    public const TableGroups RowLocked = TableGroups.IpPools;

    private static readonly Dictionary<string, TableGroups> ByName = new(StringComparer.Ordinal)
    {
        [VpsInstance.TableName] = TableGroups.IpPools,
        [SmtpIpAddress.TableName] = TableGroups.IpPools,
        [DomainIpAssignment.TableName] = TableGroups.IpPools,
        [StaffRole.TableName] = TableGroups.Staff,
        [Permission.TableName] = TableGroups.Staff,
        [InMemoryStaffTables.PermissionsWrittenName] = TableGroups.Staff,
        [StaffRolePermission.TableName] = TableGroups.Staff,
        [StaffMember.TableName] = TableGroups.Staff,
        [FeatureFlag.TableName] = TableGroups.FeatureFlags,
        [SystemConfigEntry.TableName] = TableGroups.SystemConfig,
        [TenantConfig.TableName] = TableGroups.TenantConfig,
        [TenantPolicies.TableName] = TableGroups.TenantPolicies,
        [UserPreferences.TableName] = TableGroups.UserPreferences,
    };

    /// <summary>The group of the table named <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">The table is in no group (a table added without a group).</exception>
    public static TableGroups Of(string name) =>
        ByName.TryGetValue(name, out var group) ? group : throw new InvalidOperationException($"The in-memory table '{name}' belongs to no lock group.");

    /// <summary>The groups of the tables <paramref name="after"/> changed against <paramref name="before"/>.</summary>
    public static TableGroups Changed(StoreState before, StoreState after)
    {
        if (ReferenceEquals(before, after))
        {
            return TableGroups.None;
        }

        var groups = TableGroups.None;
        foreach (var name in after.ChangedTables(before))
        {
            groups |= Of(name);
        }

        return groups;
    }
}
