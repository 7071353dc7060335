using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>Swaps the PostgreSQL repositories for the in-memory ones, through the same <c>AddPenguinMailsInfra</c> call.</summary>
public static class InMemoryStoreOptionsExtensions
{
    /// <summary>
    /// Registers every repository and the unit-of-work factory over one <see cref="InMemoryInfraStore"/>: the one given,
    /// or a new one stamped by the container's <see cref="TimeProvider"/>, and the in-memory IP pool allocator
    /// (<see cref="InMemoryIpPoolAllocator"/>). No database, migrator or hosted service is
    /// registered.
    /// </summary>
    /// <param name="options">The options being configured.</param>
    /// <param name="store">The store to use, or null for a new one (resolve it as <see cref="InMemoryInfraStore"/>).</param>
    /// <returns>The same options.</returns>
    public static PenguinMailsInfraOptions UseInMemoryStore(this PenguinMailsInfraOptions options, InMemoryInfraStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.StoreOverride = services =>
        {
            if (store is not null)
            {
                services.TryAddSingleton(store);
            }
            else
            {
                services.TryAddSingleton(sp => new InMemoryInfraStore(sp.GetRequiredService<TimeProvider>()));
            }

            services.TryAddSingleton<IVpsInstanceRepository>(sp => new InMemoryVpsInstanceRepository(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<ISmtpIpAddressRepository>(sp => new InMemorySmtpIpAddressRepository(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<IDomainIpAssignmentRepository>(sp => new InMemoryDomainIpAssignmentRepository(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<IStaffRoleRepository>(sp => new InMemoryStaffRoleRepository(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<IPermissionRepository>(sp => new InMemoryPermissionRepository(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<IStaffMemberRepository>(sp => new InMemoryStaffMemberRepository(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<ISystemConfigRepository>(sp => new InMemorySystemConfigRepository(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<IFeatureFlagRepository>(sp => new InMemoryFeatureFlagRepository(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<IUserPreferencesRepository>(sp => new InMemoryUserPreferencesRepository(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<ITenantConfigRepository>(sp => new InMemoryTenantConfigRepository(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<ITenantPoliciesRepository>(sp => new InMemoryTenantPoliciesRepository(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<IInfraUnitOfWorkFactory>(sp => new InMemoryInfraUnitOfWorkFactory(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddKeyedSingleton<ITenantCostReport>(
                StoreOverrideServices.Key,
                (sp, _) => new InMemoryTenantCostReport(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddKeyedSingleton<IIpPoolAllocator>(
                StoreOverrideServices.Key,
                (sp, _) => new InMemoryIpPoolAllocator(
                    sp.GetRequiredService<InMemoryInfraStore>(),
                    sp.GetRequiredService<IOptions<IpAllocationOptions>>().Value,
                    sp.GetService<ILogger<InMemoryIpPoolAllocator>>()));
        };
        return options;
    }
}
