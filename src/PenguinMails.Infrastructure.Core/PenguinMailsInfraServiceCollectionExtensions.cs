using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.DependencyInjection.Internal;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Internal;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Core;

/// <summary>Registers the package with one call.</summary>
public static class PenguinMailsInfraServiceCollectionExtensions
{
    /// <summary>
    /// Registers the package like <see cref="AddPenguinMailsInfra(IServiceCollection, Action{PenguinMailsInfraOptions})"/>,
    /// with the default options (a later <c>services.Configure&lt;PenguinMailsInfraOptions&gt;(...)</c> still sets them).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder that chooses the data source or store and adds the optional parts.</returns>
    public static PenguinMailsInfraBuilder AddPenguinMailsInfra(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PenguinMailsInfraOptions>();
        return AddCore(services);
    }

    /// <summary>
    /// Registers the repositories, the unit-of-work factory, the domain services (flag evaluator and manager, permission
    /// checker, staff administration, system configuration, tenant settings, preferences, IP pools), the migrator and a
    /// hosted service that migrates or verifies the schema at start-up, on PostgreSQL unless the returned builder chooses
    /// another store. Calling it again adds nothing twice (each call's <paramref name="configure"/> is still applied).
    /// <paramref name="configure"/> runs once, when the options are first read; the whole options tree
    /// (<see cref="PenguinMailsInfraOptions"/> and its sections) is validated when the host starts, and one
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> lists every invalid option.
    /// <see cref="TimeProvider"/> and logging come from the container when registered there.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder that chooses the data source or store and adds the optional parts.</returns>
    public static PenguinMailsInfraBuilder AddPenguinMailsInfra(this IServiceCollection services, Action<PenguinMailsInfraOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PenguinMailsInfraOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// Registers the package like <see cref="AddPenguinMailsInfra(IServiceCollection, Action{PenguinMailsInfraOptions})"/>,
    /// with options bound from <paramref name="configuration"/> (for example the <c>PenguinMailsInfra</c> section, whose
    /// sub-sections bind the nested options). A list option given in configuration replaces the default list (it is not
    /// appended to it).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding <see cref="PenguinMailsInfraOptions"/>.</param>
    /// <param name="configure">Further settings applied after binding, or null.</param>
    /// <returns>The builder that chooses the data source or store and adds the optional parts.</returns>
    public static PenguinMailsInfraBuilder AddPenguinMailsInfra(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<PenguinMailsInfraOptions>? configure = null
    )
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddOptions<PenguinMailsInfraOptions>().Configure(options => ConfigurationLists.Bind(configuration, options));
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return AddCore(services);
    }

    private static PenguinMailsInfraBuilder AddCore(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(InfraRegistration))?.ImplementationInstance is InfraRegistration registered)
        {
            return new PenguinMailsInfraBuilder(services, registered);
        }

        var registration = new InfraRegistration();
        services.AddSingleton(registration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PenguinMailsInfraOptions>, PenguinMailsInfraOptionsValidator>());
        services.AddOptions<PenguinMailsInfraOptions>().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        // Domain services work over the repository interfaces, so they are the same on every store.
        FeatureFlagsServiceRegistration.AddFeatureFlags(services);
        PermissionsAndSettingsServiceRegistration.AddPermissionsAndSettingsServices(services);
        IpPoolAllocationServiceRegistration.AddIpPoolAllocation(services);
        IpPoolPoliciesServiceRegistration.AddIpPoolPolicies(services);

        // The PostgreSQL store; another store's builder method removes these and adds its own.
        void Pg(ServiceDescriptor descriptor) => registration.TryAddPostgres(services, descriptor);
        Pg(ServiceDescriptor.Singleton(sp => new InfraDataSource(sp)));
        Pg(ServiceDescriptor.Singleton(sp => new InfraChangeFeed(
            afterFlagsChanged: () => sp.GetRequiredService<FeatureFlagSnapshotProvider>().ReloadAfterLocalWriteAsync())));
        Pg(ServiceDescriptor.Singleton<IVpsInstanceRepository>(sp => Repository(sp, (db, time) => new NpgsqlVpsInstanceRepository(db, time))));
        Pg(ServiceDescriptor.Singleton<ISmtpIpAddressRepository>(sp => Repository(sp, (db, time) => new NpgsqlSmtpIpAddressRepository(db, time))));
        Pg(ServiceDescriptor.Singleton<IDomainIpAssignmentRepository>(sp => Repository(sp, (db, time) => new NpgsqlDomainIpAssignmentRepository(db, time))));
        Pg(ServiceDescriptor.Singleton<IStaffRoleRepository>(sp => Repository(sp, (db, time) => new NpgsqlStaffRoleRepository(db, time))));
        Pg(ServiceDescriptor.Singleton<IPermissionRepository>(sp => Repository(sp, (db, time) => new NpgsqlPermissionRepository(db, time))));
        Pg(ServiceDescriptor.Singleton<IStaffMemberRepository>(sp => Repository(sp, (db, time) => new NpgsqlStaffMemberRepository(db, time))));
        Pg(ServiceDescriptor.Singleton<ISystemConfigRepository>(sp => Repository(sp, (db, time) => new NpgsqlSystemConfigRepository(db, time))));
        Pg(ServiceDescriptor.Singleton<IFeatureFlagRepository>(sp => Repository(sp, (db, time) => new NpgsqlFeatureFlagRepository(db, time))));
        Pg(ServiceDescriptor.Singleton<IUserPreferencesRepository>(sp => Repository(sp, (db, time) => new NpgsqlUserPreferencesRepository(db, time))));
        Pg(ServiceDescriptor.Singleton<ITenantConfigRepository>(sp => Repository(sp, (db, time) => new NpgsqlTenantConfigRepository(db, time))));
        Pg(ServiceDescriptor.Singleton<ITenantPoliciesRepository>(sp => Repository(sp, (db, time) => new NpgsqlTenantPoliciesRepository(db, time))));
        Pg(ServiceDescriptor.Singleton<IInfraUnitOfWorkFactory>(sp =>
        {
            var infra = sp.GetRequiredService<InfraDataSource>();
            return new NpgsqlInfraUnitOfWorkFactory(infra.DataSource, infra.Schema, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<InfraChangeFeed>());
        }));
        Pg(ServiceDescriptor.Singleton<IIpPoolAllocator>(IpPoolAllocationServiceRegistration.CreatePostgresAllocator));
        Pg(ServiceDescriptor.Singleton<ITenantCostReport>(IpPoolPoliciesServiceRegistration.CreatePostgresCostReport));
        Pg(ServiceDescriptor.Singleton(sp =>
        {
            var options = InfraRegistration.Options(sp);
            return new PostgresMigrator(
                sp.GetRequiredService<InfraDataSource>().DataSource,
                new MigratorOptions
                {
                    Schema = options.Schema,
                    CreateHostTables = options.CreateHostTables,
                    MigrationLockTimeout = options.MigrationLockTimeout,
                    TimeProvider = sp.GetRequiredService<TimeProvider>(),
                }
            );
        }));
        Pg(ServiceDescriptor.Singleton<IHostedService, SchemaStartupService>());
        return new PenguinMailsInfraBuilder(services, registration);
    }

    // The registration's repositories share its change feed, so that a write through any of them is visible to its flag
    // snapshot and permission cache when the write returns. They get the data source with all its routes (writes go to
    // the primary, the reads declared safe to be stale to a standby inside a ReadRoute.PreferStandby scope) and the
    // registration's transient retry, if any.
    private static T Repository<T>(IServiceProvider sp, Func<PgExecutor, TimeProvider, T> create)
    {
        var infra = sp.GetRequiredService<InfraDataSource>();
        return create(infra.Executor(sp.GetRequiredService<InfraChangeFeed>()), sp.GetRequiredService<TimeProvider>());
    }
}
