using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Postgres;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>Registers IP allocation, rotation and decommission planning.</summary>
internal static class IpPoolAllocationServiceRegistration
{
    /// <summary>
    /// Adds <see cref="IpAllocationOptions"/> and <see cref="IpRotationOptions"/> (validated at start; configure them
    /// with <c>services.Configure&lt;IpAllocationOptions&gt;(...)</c>), <see cref="IIpPoolAllocator"/> (PostgreSQL:
    /// <see cref="NpgsqlIpPoolAllocator"/>; the in-memory store's <c>UseInMemoryStore</c> supplies
    /// <c>InMemoryIpPoolAllocator</c>), <see cref="IIpRotationService"/> and <see cref="IVpsDecommissionPlanner"/>.
    /// An <see cref="IIpPoolAllocator"/> registered before <c>AddPenguinMailsInfra</c> is kept.
    /// </summary>
    internal static void AddIpPoolAllocation(IServiceCollection services)
    {
        services.AddOptions<IpAllocationOptions>(); // validated at start with the package's other options (InfraStartupValidator)
        services.AddOptions<IpRotationOptions>(); // validated at start with the package's other options (InfraStartupValidator)
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IpAllocationOptions>, IpAllocationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IpRotationOptions>, IpRotationOptionsValidator>());
        services.TryAddSingleton<IIpPoolAllocator>(CreateAllocator);
        services.TryAddSingleton<IIpRotationService>(sp => new IpRotationService(
            sp.GetRequiredService<IIpPoolAllocator>(),
            sp.GetRequiredService<IOptions<IpRotationOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<IpRotationService>>()));
        services.TryAddSingleton<IVpsDecommissionPlanner>(sp => new VpsDecommissionPlanner(
            sp.GetRequiredService<IIpPoolAllocator>(),
            sp.GetRequiredService<IOptions<IpAllocationOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<VpsDecommissionPlanner>>()));
    }

    private static IIpPoolAllocator CreateAllocator(IServiceProvider sp)
    {
        var infra = sp.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value;
        if (!infra.UsesPostgres)
        {
            return sp.GetKeyedService<IIpPoolAllocator>(StoreOverrideServices.Key)
                ?? throw new InvalidOperationException(
                    "No IIpPoolAllocator for this store: UseInMemoryStore registers the in-memory one; with another StoreOverride, register an IIpPoolAllocator before calling AddPenguinMailsInfra.");
        }

        var dataSource = sp.GetRequiredService<InfraDataSource>();
        return new NpgsqlIpPoolAllocator(
            dataSource.DataSource,
            sp.GetRequiredService<IOptions<IpAllocationOptions>>().Value,
            dataSource.Schema,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<NpgsqlIpPoolAllocator>>());
    }
}
