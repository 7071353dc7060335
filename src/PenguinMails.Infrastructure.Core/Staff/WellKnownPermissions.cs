namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// The catalog of well-known permissions the package ships, with stable integer ids. The schema migration
/// <c>0007_seed_well_known_permissions</c> inserts exactly these rows (a unit test holds the two together).
/// </summary>
public static class WellKnownPermissions
{
    /// <summary>The first id available to application-defined permissions; lower ids are reserved for the package.</summary>
    public const int FirstApplicationId = 1000;

    /// <summary><c>vps.read</c>: view VPS instances.</summary>
    public const string VpsRead = "vps.read";

    /// <summary><c>vps.manage</c>: create, change and decommission VPS instances.</summary>
    public const string VpsManage = "vps.manage";

    /// <summary><c>smtp_ips.read</c>: view SMTP IP addresses.</summary>
    public const string SmtpIpsRead = "smtp_ips.read";

    /// <summary><c>smtp_ips.manage</c>: add SMTP IP addresses and change their status and reputation.</summary>
    public const string SmtpIpsManage = "smtp_ips.manage";

    /// <summary><c>assignments.read</c>: view domain-IP assignments.</summary>
    public const string AssignmentsRead = "assignments.read";

    /// <summary><c>assignments.manage</c>: assign SMTP IPs to domains, change and expire assignments.</summary>
    public const string AssignmentsManage = "assignments.manage";

    /// <summary><c>system_config.read</c>: view system configuration with sensitive values masked.</summary>
    public const string SystemConfigRead = "system_config.read";

    /// <summary><c>system_config.read_sensitive</c>: view the values of sensitive configuration entries.</summary>
    public const string SystemConfigReadSensitive = "system_config.read_sensitive";

    /// <summary><c>system_config.manage</c>: create, change and delete configuration entries.</summary>
    public const string SystemConfigManage = "system_config.manage";

    /// <summary><c>feature_flags.read</c>: view feature flags.</summary>
    public const string FeatureFlagsRead = "feature_flags.read";

    /// <summary><c>feature_flags.manage</c>: create, change and delete feature flags.</summary>
    public const string FeatureFlagsManage = "feature_flags.manage";

    /// <summary><c>staff.read</c>: view staff members, roles and their permissions.</summary>
    public const string StaffRead = "staff.read";

    /// <summary><c>staff.manage</c>: add and remove staff members, manage roles and grants.</summary>
    public const string StaffManage = "staff.manage";

    /// <summary><c>tenant_config.read</c>: view tenant configuration.</summary>
    public const string TenantConfigRead = "tenant_config.read";

    /// <summary><c>tenant_config.manage</c>: change tenant configuration.</summary>
    public const string TenantConfigManage = "tenant_config.manage";

    /// <summary><c>tenant_policies.read</c>: view tenant policies.</summary>
    public const string TenantPoliciesRead = "tenant_policies.read";

    /// <summary><c>tenant_policies.manage</c>: change tenant policies.</summary>
    public const string TenantPoliciesManage = "tenant_policies.manage";

    /// <summary>Every well-known permission, ascending by id.</summary>
    public static IReadOnlyList<WellKnownPermission> All { get; } =
    [
        new(1, VpsRead, "vps", "View VPS instances."),
        new(2, VpsManage, "vps", "Create, change, schedule for decommission and decommission VPS instances."),
        new(3, SmtpIpsRead, "smtp_ips", "View SMTP IP addresses and their reputation."),
        new(4, SmtpIpsManage, "smtp_ips", "Add SMTP IP addresses and change their status and reputation."),
        new(5, AssignmentsRead, "assignments", "View domain-IP assignments."),
        new(6, AssignmentsManage, "assignments", "Assign SMTP IPs to domains, change and expire assignments."),
        new(7, SystemConfigRead, "system_config", "View system configuration; sensitive values stay masked."),
        new(8, SystemConfigReadSensitive, "system_config", "View the values of sensitive system configuration entries."),
        new(9, SystemConfigManage, "system_config", "Create, change and delete system configuration entries."),
        new(10, FeatureFlagsRead, "feature_flags", "View feature flags and their rollout."),
        new(11, FeatureFlagsManage, "feature_flags", "Create, change and delete feature flags."),
        new(12, StaffRead, "staff", "View staff members, roles and their permissions."),
        new(13, StaffManage, "staff", "Add and remove staff members, manage roles and grant permissions."),
        new(14, TenantConfigRead, "tenants", "View tenant configuration."),
        new(15, TenantConfigManage, "tenants", "Change tenant configuration."),
        new(16, TenantPoliciesRead, "tenants", "View tenant security and membership policies."),
        new(17, TenantPoliciesManage, "tenants", "Change tenant security and membership policies."),
    ];

    /// <summary>The well-known permission with a name, or null.</summary>
    /// <param name="name">The name, for example <c>staff.manage</c>.</param>
    /// <returns>The permission, or null when the name is not in the catalog.</returns>
    public static WellKnownPermission? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
}
