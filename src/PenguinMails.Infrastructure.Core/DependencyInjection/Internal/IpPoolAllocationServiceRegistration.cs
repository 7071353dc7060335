using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PenguinMails.Infrastructure.Core.Postgres;

namespace PenguinMails.Infrastructure.Core.DependencyInjection.Internal;

/// <summary>Registers IP allocation, rotation and decommission planning.</summary>
internal static class IpPoolAllocationServiceRegistration
{
    /// <summary>
    /// Adds <see cref="IIpRotationService"/> and <see cref="IVpsDecommissionPlanner"/>, with the options of
    /// <see cref="PenguinMailsInfraOptions.IpRotation"/> and <see cref="PenguinMailsInfraOptions.IpAllocation"/>. The
    /// <see cref="IIpPoolAllocator"/> is the store's (<see cref="CreatePostgresAllocator"/>, or the in-memory store's).
    /// </summary>
    internal static void AddIpPoolAllocation(IServiceCollection services)
    {
        services.TryAddSingleton<IIpRotationService>(sp => new IpRotationService(
            sp.GetRequiredService<IIpPoolAllocator>(),
            InfraRegistration.Options(sp).IpRotation,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<IpRotationService>>()));
        services.TryAddSingleton<IVpsDecommissionPlanner>(sp => new VpsDecommissionPlanner(
            sp.GetRequiredService<IIpPoolAllocator>(),
            InfraRegistration.Options(sp).IpAllocation,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<VpsDecommissionPlanner>>()));
    }

    /// <summary>The PostgreSQL store's allocator.</summary>
    internal static IIpPoolAllocator CreatePostgresAllocator(IServiceProvider sp)
    {
        var dataSource = sp.GetRequiredService<InfraDataSource>();
        return new NpgsqlIpPoolAllocator(
            dataSource.DataSource,
            InfraRegistration.Options(sp).IpAllocation,
            dataSource.Schema,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<NpgsqlIpPoolAllocator>>());
    }
}
