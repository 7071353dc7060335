using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.DependencyInjection.Internal;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>Chooses the in-memory store for an <c>AddPenguinMailsInfra</c> registration.</summary>
public static class InMemoryStoreBuilderExtensions
{
    /// <summary>
    /// Registers every repository and the unit-of-work factory over one <see cref="InMemoryInfraStore"/>: the one given,
    /// or a new one stamped by the container's <see cref="TimeProvider"/>, and the in-memory IP pool allocator
    /// (<see cref="InMemoryIpPoolAllocator"/>) and cost report (<see cref="InMemoryTenantCostReport"/>), in place of the
    /// PostgreSQL ones. No database, data source, migrator or schema start-up service is registered. Calling it again
    /// adds nothing; it cannot follow a <c>UseNpgsql</c> call.
    /// </summary>
    /// <param name="builder">The builder <c>AddPenguinMailsInfra</c> returned.</param>
    /// <param name="store">The store to use, or null for a new one (resolve it as <see cref="InMemoryInfraStore"/>).</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="InvalidOperationException">The registration already chose PostgreSQL.</exception>
    public static PenguinMailsInfraBuilder UseInMemoryStore(this PenguinMailsInfraBuilder builder, InMemoryInfraStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(InfraStore.InMemory, services =>
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
            services.TryAddSingleton<ITenantCostReport>(sp => new InMemoryTenantCostReport(sp.GetRequiredService<InMemoryInfraStore>()));
            services.TryAddSingleton<IIpPoolAllocator>(sp => new InMemoryIpPoolAllocator(
                sp.GetRequiredService<InMemoryInfraStore>(),
                InfraRegistration.Options(sp).IpAllocation,
                sp.GetService<ILogger<InMemoryIpPoolAllocator>>()));
        });
    }
}
