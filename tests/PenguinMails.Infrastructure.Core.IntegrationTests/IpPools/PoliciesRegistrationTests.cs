using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.IpPools;

public sealed class PoliciesRegistrationTests
{
    [Fact]
    public async Task AddPenguinMailsInfra_InMemory_ResolvesThePoliciesAndTheInMemoryCostReport()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);
        services.AddPenguinMailsInfra(o => o.Warmup.Plans["short"] = [1, 2]).UseInMemoryStore();
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        Assert.IsType<WarmupService>(provider.GetRequiredService<IWarmupService>());
        Assert.IsType<ReputationPolicyService>(provider.GetRequiredService<IReputationPolicyService>());
        Assert.IsType<InMemoryTenantCostReport>(provider.GetRequiredService<ITenantCostReport>());
        Assert.Equal("short", provider.GetRequiredService<IWarmupService>().Catalog.Get("short").Name);
        Assert.Empty(await provider.GetRequiredService<ITenantCostReport>().GetMonthlyCostsAsync());
    }

    [Fact]
    public async Task AddPenguinMailsInfra_Postgres_ResolvesTheNpgsqlCostReport()
    {
        await using var provider = new ServiceCollection().AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost").Services.BuildServiceProvider();

        Assert.IsType<NpgsqlTenantCostReport>(provider.GetRequiredService<ITenantCostReport>());
        Assert.IsType<WarmupService>(provider.GetRequiredService<IWarmupService>());
    }

    [Fact]
    public async Task Options_Invalid_EveryFailureReportedAtOnce()
    {
        var services = new ServiceCollection().AddPenguinMailsInfra().UseInMemoryStore().Services;
        services.Configure<PenguinMailsInfraOptions>(o =>
        {
            o.Warmup.RewarmAfterUnusedDays = 0;
            o.Warmup.Plans["bad"] = [3, 2];
            o.ReputationPolicy.BurnAfter = TimeSpan.Zero;
        });
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value);

        Assert.Equal(3, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:Warmup:RewarmAfterUnusedDays ", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:Warmup:Plans[bad].daily_caps[day 2]:", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:ReputationPolicy:BurnAfter ", StringComparison.Ordinal));
    }
}
