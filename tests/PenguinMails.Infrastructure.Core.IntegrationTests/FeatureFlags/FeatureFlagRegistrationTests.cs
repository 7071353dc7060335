using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.FeatureFlags;

public sealed class FeatureFlagRegistrationTests
{
    [Fact]
    public async Task AddPenguinMailsInfra_InMemoryHost_FlagsAreVisibleBeforeAndAfterStartAndManagerChangesAtOnce()
    {
        var admin = UserId.New();
        var store = new InMemoryInfraStore(TimeProvider.System);
        store.AddUser(admin);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IPermissionChecker>(new AllowListPermissionChecker((admin, WellKnownPermissions.FeatureFlagsManage)));
        builder.Services.AddPenguinMailsInfra().UseInMemoryStore(store);
        using var host = builder.Build();
        var seeded = await host.Services.GetRequiredService<IFeatureFlagRepository>().AddAsync(new FeatureFlag { Key = "seeded", IsEnabled = true, RolloutPercentage = 100 });
        var evaluator = host.Services.GetRequiredService<IFeatureFlagEvaluator>();
        Assert.True(evaluator.IsEnabled(seeded.Key, Guid.NewGuid())); // the snapshot follows the store: no start needed

        await host.StartAsync();
        var manager = host.Services.GetRequiredService<IFeatureFlagManager>();
        await manager.CreateAsync(admin, "created", isEnabled: true, rolloutPercentage: 100);

        Assert.True(evaluator.IsEnabled(seeded.Key, new UserId(Guid.NewGuid())));
        Assert.True(evaluator.IsEnabled("created", new TenantId(Guid.NewGuid())));
        Assert.Same(host.Services.GetRequiredService<FeatureFlagSnapshotProvider>(), host.Services.GetRequiredService<FeatureFlagSnapshotProvider>());
        await host.StopAsync();
    }

    [Fact]
    public async Task AddPenguinMailsInfra_InvalidFeatureFlagOptions_HostFailsToStartNamingThem()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o => o.FeatureFlags.RefreshInterval = TimeSpan.Zero).UseInMemoryStore();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("RefreshInterval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPenguinMailsInfra_CalledTwice_OneRefreshServiceAndOnePermissionChecker()
    {
        var services = new ServiceCollection()
            .AddPenguinMailsInfra().UseInMemoryStore().Services
            .AddPenguinMailsInfra().UseInMemoryStore().Services;

        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory?.Method.ReturnType == typeof(FeatureFlagRefreshService));
        Assert.Single(services, d => d.ServiceType == typeof(IFeatureFlagEvaluator));
        Assert.Single(services, d => d.ServiceType == typeof(IPermissionChecker));
    }
}
