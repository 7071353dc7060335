using FluentMigrator;

namespace PenguinMails.Infrastructure.Core.Postgres.Schema.Migrations;

/// <summary>Version 1: <c>0001_create_vps_and_smtp</c>.</summary>
[Migration(1, "create_vps_and_smtp")]
internal sealed class V0001CreateVpsAndSmtp(string schema) : PackageMigration(schema);

/// <summary>Version 2: <c>0002_create_domain_ip_assignments</c>.</summary>
[Migration(2, "create_domain_ip_assignments")]
internal sealed class V0002CreateDomainIpAssignments(string schema) : PackageMigration(schema);

/// <summary>Version 3: <c>0003_create_staff_and_permissions</c>.</summary>
[Migration(3, "create_staff_and_permissions")]
internal sealed class V0003CreateStaffAndPermissions(string schema) : PackageMigration(schema);

/// <summary>Version 4: <c>0004_create_system_config_and_feature_flags</c>.</summary>
[Migration(4, "create_system_config_and_feature_flags")]
internal sealed class V0004CreateSystemConfigAndFeatureFlags(string schema) : PackageMigration(schema);

/// <summary>Version 5: <c>0005_create_user_preferences</c>.</summary>
[Migration(5, "create_user_preferences")]
internal sealed class V0005CreateUserPreferences(string schema) : PackageMigration(schema);

/// <summary>Version 6: <c>0006_create_tenant_config_and_policies</c>.</summary>
[Migration(6, "create_tenant_config_and_policies")]
internal sealed class V0006CreateTenantConfigAndPolicies(string schema) : PackageMigration(schema);

/// <summary>Version 7: <c>0007_seed_well_known_permissions</c>.</summary>
[Migration(7, "seed_well_known_permissions")]
internal sealed class V0007SeedWellKnownPermissions(string schema) : PackageMigration(schema);

/// <summary>Version 8: <c>0008_create_rollout_bucket_function</c>.</summary>
[Migration(8, "create_rollout_bucket_function")]
internal sealed class V0008CreateRolloutBucketFunction(string schema) : PackageMigration(schema);

/// <summary>Version 9: <c>0009_create_change_notifications</c>.</summary>
[Migration(9, "create_change_notifications")]
internal sealed class V0009CreateChangeNotifications(string schema) : PackageMigration(schema);

/// <summary>Version 10: <c>0010_create_ip_pool_indexes</c>.</summary>
[Migration(10, "create_ip_pool_indexes")]
internal sealed class V0010CreateIpPoolIndexes(string schema) : PackageMigration(schema);

/// <summary>Every version of the package as a FluentMigrator migration, ascending.</summary>
internal static class PackageMigrations
{
    /// <summary>The migrations for a schema, one per version of <see cref="SchemaMigrations.All"/>.</summary>
    /// <param name="schema">The schema name; validated.</param>
    /// <returns>The migrations, ascending by version.</returns>
    public static IReadOnlyList<PackageMigration> Create(string schema) =>
    [
        new V0001CreateVpsAndSmtp(schema),
        new V0002CreateDomainIpAssignments(schema),
        new V0003CreateStaffAndPermissions(schema),
        new V0004CreateSystemConfigAndFeatureFlags(schema),
        new V0005CreateUserPreferences(schema),
        new V0006CreateTenantConfigAndPolicies(schema),
        new V0007SeedWellKnownPermissions(schema),
        new V0008CreateRolloutBucketFunction(schema),
        new V0009CreateChangeNotifications(schema),
        new V0010CreateIpPoolIndexes(schema),
    ];
}
