using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.Internal;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core;

/// <summary>Registers the package with one call.</summary>
public static class PenguinMailsInfraServiceCollectionExtensions
{
    /// <summary>
    /// Registers the repositories, the unit-of-work factory, the domain services (flag evaluator and manager, permission
    /// checker, staff administration, system configuration, tenant settings, preferences), the migrator, a hosted service
    /// that migrates or verifies the schema at start-up, and the health check. Calling it again adds nothing twice.
    /// The options, including the nested <see cref="PenguinMailsInfraOptions.FeatureFlags"/> and
    /// <see cref="PenguinMailsInfraOptions.PermissionCache"/>, are validated when the host starts: one
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> lists every invalid option.
    /// <see cref="TimeProvider"/> and logging come from the container when registered there.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddPenguinMailsInfra(this IServiceCollection services, Action<PenguinMailsInfraOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PenguinMailsInfraOptions>().Configure(configure);
        var probe = new PenguinMailsInfraOptions();
        configure(probe);
        return AddCore(services, probe);
    }

    /// <summary>
    /// Registers the package like <see cref="AddPenguinMailsInfra(IServiceCollection, Action{PenguinMailsInfraOptions})"/>,
    /// with options bound from <paramref name="configuration"/> (for example the <c>PenguinMailsInfra</c> section, whose
    /// <c>FeatureFlags</c> and <c>PermissionCache</c> sub-sections bind the nested options).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding <see cref="PenguinMailsInfraOptions"/>.</param>
    /// <param name="configure">Further settings applied after binding, or null.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddPenguinMailsInfra(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<PenguinMailsInfraOptions>? configure = null
    )
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddOptions<PenguinMailsInfraOptions>().Bind(configuration);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        var probe = new PenguinMailsInfraOptions();
        configuration.Bind(probe);
        configure?.Invoke(probe);
        return AddCore(services, probe);
    }

    private static IServiceCollection AddCore(IServiceCollection services, PenguinMailsInfraOptions probe)
    {
        var registered = services.FirstOrDefault(d => d.ServiceType == typeof(Marker))?.ImplementationInstance as Marker;
        if (registered is not null)
        {
            // A second call adds nothing; switching stores silently would leave the first store's services in place.
            return registered.UsesPostgres == probe.UsesPostgres
                ? services
                : throw new InvalidOperationException(
                    "AddPenguinMailsInfra was already called with the "
                        + (registered.UsesPostgres ? "PostgreSQL" : "in-memory")
                        + " store; a later call cannot switch stores. Choose the store in the first call."
                );
        }

        services.AddSingleton(new Marker(probe.UsesPostgres));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PenguinMailsInfraOptions>, PenguinMailsInfraOptionsValidator>());
        AddOptionsFlow(services, probe);
        services.TryAddSingleton(TimeProvider.System);

        // Domain services work over the repository interfaces, so they are the same on every store.
        // [services: FeatureFlags]
        FeatureFlagsServiceRegistration.AddFeatureFlags(services);

        // [services: Staff, SystemConfig, Tenants, Preferences]
        StaffAndConfigServiceRegistration.AddStaffAndConfigServices(services);

        // [services: IpPools allocation]
        IpPoolAllocationServiceRegistration.AddIpPoolAllocation(services);

        // [services: IpPools policies]
        IpPoolPoliciesServiceRegistration.AddIpPoolPolicies(services);

        // [services: Reliability]
        ReliabilityServiceRegistration.AddReliability(services);

        if (probe.StoreOverride is { } storeOverride)
        {
            storeOverride(services);
            return services;
        }

        services.TryAddSingleton(sp => new InfraDataSource(sp));
        services.TryAddSingleton(sp => new InfraChangeFeed(
            afterFlagsChanged: () => sp.GetRequiredService<FeatureFlagSnapshotProvider>().ReloadAfterLocalWriteAsync()));
        services.TryAddSingleton<IVpsInstanceRepository>(sp => Pg(sp, (db, time) => new NpgsqlVpsInstanceRepository(db, time)));
        services.TryAddSingleton<ISmtpIpAddressRepository>(sp => Pg(sp, (db, time) => new NpgsqlSmtpIpAddressRepository(db, time)));
        services.TryAddSingleton<IDomainIpAssignmentRepository>(sp => Pg(sp, (db, time) => new NpgsqlDomainIpAssignmentRepository(db, time)));
        services.TryAddSingleton<IStaffRoleRepository>(sp => Pg(sp, (db, time) => new NpgsqlStaffRoleRepository(db, time)));
        services.TryAddSingleton<IPermissionRepository>(sp => Pg(sp, (db, time) => new NpgsqlPermissionRepository(db, time)));
        services.TryAddSingleton<IStaffMemberRepository>(sp => Pg(sp, (db, time) => new NpgsqlStaffMemberRepository(db, time)));
        services.TryAddSingleton<ISystemConfigRepository>(sp => Pg(sp, (db, time) => new NpgsqlSystemConfigRepository(db, time)));
        services.TryAddSingleton<IFeatureFlagRepository>(sp => Pg(sp, (db, time) => new NpgsqlFeatureFlagRepository(db, time)));
        services.TryAddSingleton<IUserPreferencesRepository>(sp => Pg(sp, (db, time) => new NpgsqlUserPreferencesRepository(db, time)));
        services.TryAddSingleton<ITenantConfigRepository>(sp => Pg(sp, (db, time) => new NpgsqlTenantConfigRepository(db, time)));
        services.TryAddSingleton<ITenantPoliciesRepository>(sp => Pg(sp, (db, time) => new NpgsqlTenantPoliciesRepository(db, time)));
        services.TryAddSingleton<IInfraUnitOfWorkFactory>(sp =>
        {
            var infra = sp.GetRequiredService<InfraDataSource>();
            return new NpgsqlInfraUnitOfWorkFactory(infra.DataSource, infra.Schema, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<InfraChangeFeed>());
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value;
            return new PostgresMigrator(
                sp.GetRequiredService<InfraDataSource>().DataSource,
                new MigratorOptions
                {
                    Schema = options.Schema,
                    CreateHostTables = options.CreateHostTables,
                    LockTimeout = options.MigrationLockTimeout,
                    TimeProvider = sp.GetRequiredService<TimeProvider>(),
                }
            );
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SchemaStartupService>());
        return services;
    }

    /// <summary>
    /// The nested options flow into <see cref="FeatureFlagOptions"/> and <see cref="PermissionCacheOptions"/> as their first
    /// configure step (inserted at the front, so the application's own <c>Configure&lt;T&gt;</c> calls win in any order);
    /// one start-up validation covers all three options types (also run by a hosted service registered ahead of the
    /// package's other hosted services, which read their options when the host builds them); the health check joins the
    /// host's health checks.
    /// </summary>
    private static void AddOptionsFlow(IServiceCollection services, PenguinMailsInfraOptions probe)
    {
        services.TryAddSingleton<ConfiguredInfraOptions>();
        services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<FeatureFlagOptions>, FeatureFlagOptionsFromInfra>());
        services.Insert(0, ServiceDescriptor.Singleton<IConfigureOptions<PermissionCacheOptions>, PermissionCacheOptionsFromInfra>());
        services.AddOptions<InfraStartupValidation>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InfraStartupValidation>, InfraStartupValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InfraOptionsStartupCheck>());
        if (probe.RegisterHealthCheck)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HealthCheckServiceOptions>, HealthCheckAutoRegistration>());

            // The health-check service needs logging: a host always has it; a bare container gets the check once the
            // application adds logging and health checks itself.
            if (services.Any(d => d.ServiceType == typeof(ILoggerFactory)))
            {
                services.AddHealthChecks();
            }
        }
    }

    // The registration's repositories share its change feed, so that a write through any of them is visible to its flag
    // snapshot and permission cache when the write returns. They get the data source with all its routes: writes go to
    // the primary, the reads declared safe to be stale to a standby inside a ReadRoute.PreferStandby scope.
    private static T Pg<T>(IServiceProvider sp, Func<PgExecutor, TimeProvider, T> create)
    {
        var infra = sp.GetRequiredService<InfraDataSource>();
        return create(new PgExecutor(infra.Root, infra.Schema, sp.GetRequiredService<InfraChangeFeed>(), infra.StandbyReads), sp.GetRequiredService<TimeProvider>());
    }

    private sealed record Marker(bool UsesPostgres);
}
