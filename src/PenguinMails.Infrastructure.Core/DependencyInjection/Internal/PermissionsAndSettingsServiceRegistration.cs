using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.DependencyInjection.Internal;

/// <summary>Registers the Staff, SystemConfig, Tenants and Preferences services (the same on every store).</summary>
internal static class PermissionsAndSettingsServiceRegistration
{
    internal static void AddPermissionsAndSettingsServices(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new CachedPermissionChecker(
            sp.GetRequiredService<IStaffMemberRepository>(),
            sp.GetRequiredService<IStaffRoleRepository>(),
            InfraRegistration.Options(sp).PermissionCache,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<CachedPermissionChecker>>()
        ));
        services.TryAddSingleton<IPermissionChecker>(sp => sp.GetRequiredService<CachedPermissionChecker>());
        services.TryAddSingleton<IStaffAdministration>(sp => new StaffAdministration(
            sp.GetRequiredService<IStaffMemberRepository>(),
            sp.GetRequiredService<IStaffRoleRepository>(),
            sp.GetRequiredService<IPermissionRepository>(),
            sp.GetRequiredService<CachedPermissionChecker>(),
            sp.GetService<ILogger<StaffAdministration>>()
        ));
        services.TryAddSingleton<ISystemConfigService>(sp => new SystemConfigService(
            sp.GetRequiredService<ISystemConfigRepository>(),
            sp.GetRequiredService<IPermissionChecker>(),
            sp.GetService<ILogger<SystemConfigService>>()
        ));
        services.TryAddSingleton<ITenantSettings>(sp => new TenantSettings(sp.GetRequiredService<ITenantConfigRepository>(), sp.GetRequiredService<ITenantPoliciesRepository>()));
        services.TryAddSingleton<IUserPreferencesService>(sp => new UserPreferencesService(sp.GetRequiredService<IUserPreferencesRepository>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ChangeNotificationListener>(CreateChangeNotificationListener));
    }

    /// <summary>
    /// The one LISTEN connection: it dispatches to the feature flags and to the permission cache where their
    /// <c>ListenForChanges</c> is on; with both off, or on the in-memory store, it holds no connection.
    /// </summary>
    private static ChangeNotificationListener CreateChangeNotificationListener(IServiceProvider sp)
    {
        var options = InfraRegistration.Options(sp);
        var postgres = sp.GetRequiredService<InfraRegistration>().UsesPostgres;
        var infra = postgres ? sp.GetRequiredService<InfraDataSource>() : null;
        return new ChangeNotificationListener(
            infra?.DataSource,
            infra?.Schema ?? options.Schema,
            infra is not null && options.FeatureFlags.ListenForChanges ? sp.GetService<FeatureFlags.FeatureFlagRefreshService>() : null,
            infra is not null && options.PermissionCache.ListenForChanges ? sp.GetRequiredService<CachedPermissionChecker>() : null,
            options.ChangeNotifications,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ChangeNotificationListener>>()
        );
    }
}
