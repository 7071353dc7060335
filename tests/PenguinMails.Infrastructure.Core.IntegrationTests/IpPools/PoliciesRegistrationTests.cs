using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
        var clock = new ManualClock();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);
        services.AddPenguinMailsInfra(o => o.UseInMemoryStore());
        services.Configure<WarmupOptions>(o => o.Plans["short"] = [1, 2]);
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
        await using var provider = new ServiceCollection().AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost").BuildServiceProvider();

        Assert.IsType<NpgsqlTenantCostReport>(provider.GetRequiredService<ITenantCostReport>());
        Assert.IsType<WarmupService>(provider.GetRequiredService<IWarmupService>());
    }

    [Fact]
    public async Task Options_Invalid_EveryFailureReportedAtOnce()
    {
        var services = new ServiceCollection().AddPenguinMailsInfra(o => o.UseInMemoryStore());
        services.Configure<WarmupOptions>(o =>
        {
            o.RewarmAfterUnusedDays = 0;
            o.Plans["bad"] = [3, 2];
        });
        services.Configure<ReputationPolicyOptions>(o => o.BurnAfter = TimeSpan.Zero);
        await using var provider = services.BuildServiceProvider();

        var warmup = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WarmupOptions>>().Value);
        var reputation = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ReputationPolicyOptions>>().Value);

        Assert.Equal(2, warmup.Failures.Count());
        Assert.Contains(warmup.Failures, f => f.StartsWith("Warmup.Plans[bad].daily_caps[day 2]:", StringComparison.Ordinal));
        Assert.Contains("BurnAfter", Assert.Single(reputation.Failures), StringComparison.Ordinal);
    }
}
