using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.Core.DependencyInjection.Internal;

/// <summary>Registers the feature-flag snapshot, evaluator, manager and the hosted refresher.</summary>
internal static class FeatureFlagsServiceRegistration
{
    /// <summary>
    /// Adds <see cref="FeatureFlagSnapshotProvider"/>,
    /// <see cref="IFeatureFlagEvaluator"/>, <see cref="IFeatureFlagManager"/> (which needs an <see cref="IPermissionChecker"/>
    /// from the container) and the refresh service (a singleton, also a hosted service). LISTEN (by the change-notification listener) runs only on PostgreSQL with
    /// <see cref="FeatureFlagOptions.ListenForChanges"/> (<see cref="PenguinMailsInfraOptions.FeatureFlags"/>).
    /// </summary>
    internal static void AddFeatureFlags(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new FeatureFlagSnapshotProvider(
            sp.GetRequiredService<IFeatureFlagRepository>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<FeatureFlagSnapshotProvider>>()));
        services.TryAddSingleton<IFeatureFlagEvaluator>(sp => new FeatureFlagEvaluator(
            sp.GetRequiredService<FeatureFlagSnapshotProvider>(),
            InfraRegistration.Options(sp).FeatureFlags.MaxWarnedUnknownKeys,
            sp.GetService<ILogger<FeatureFlagEvaluator>>()));
        services.TryAddSingleton<IFeatureFlagManager>(sp => new FeatureFlagManager(
            sp.GetRequiredService<IFeatureFlagRepository>(),
            sp.GetRequiredService<IPermissionChecker>(),
            sp.GetRequiredService<FeatureFlagSnapshotProvider>(),
            sp.GetService<ILogger<FeatureFlagManager>>()));
        services.TryAddSingleton(CreateRefreshService);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FeatureFlagRefreshService>(sp => sp.GetRequiredService<FeatureFlagRefreshService>()));
    }

    private static FeatureFlagRefreshService CreateRefreshService(IServiceProvider sp)
    {
        var infra = InfraRegistration.Options(sp);
        var options = infra.FeatureFlags;
        var postgres = sp.GetRequiredService<InfraRegistration>().UsesPostgres;
        var timerReadsStandby = postgres && sp.GetRequiredService<InfraDataSource>().BackgroundReadsFromStandby;
        return new FeatureFlagRefreshService(
            sp.GetRequiredService<FeatureFlagSnapshotProvider>(),
            options,
            postgres && options.ListenForChanges,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<FeatureFlagRefreshService>>(),
            timerReadsStandby);
    }
}
