using Microsoft.Extensions.Logging.Testing;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.IpPools;

/// <summary>The reputation policy service over the IP repository, run unchanged on PostgreSQL and in memory.</summary>
public abstract class ReputationPolicyServiceContract : PoliciesContractBase
{
    private readonly FakeLogger<ReputationPolicyService> _log = new();

    private ReputationPolicyService Service(ReputationPolicyOptions? options = null) =>
        new(Store.SmtpIpAddresses, options ?? new ReputationPolicyOptions(), Store.Clock, _log);

    /// <summary>Records a reputation check on the IP (as a checker would, through UpdateAsync).</summary>
    private async Task<SmtpIpAddress> CheckedAsync(SmtpIpAddress ip, ReputationState? reputation, string? listedAtProvider = null)
    {
        var current = (await Store.SmtpIpAddresses.GetAsync(ip.Id))!;
        var listings = listedAtProvider is null
            ? new ProviderBlacklistStatus()
            : new ProviderBlacklistStatus().WithMailboxProvider(listedAtProvider, new BlacklistListing(true, Store.Clock.GetUtcNow()));
        return await Store.SmtpIpAddresses.UpdateAsync(current with
        {
            ReputationState = reputation,
            ProviderBlacklistStatus = listings,
            LastReputationCheck = Store.Clock.GetUtcNow(),
        });
    }

    [Fact]
    public async Task RecommendAsync_MixedFleet_RecommendsWithoutWriting()
    {
        var poor = await CheckedAsync(await AddIpAsync(null, SmtpIpAddressStatus.Warmed), ReputationState.Poor);
        var listed = await CheckedAsync(await AddIpAsync(null, SmtpIpAddressStatus.Assigned), ReputationState.Good, KnownMailboxProviders.Gmail);
        await CheckedAsync(await AddIpAsync(null, SmtpIpAddressStatus.Warmed), ReputationState.Good);
        await AddIpAsync(null, SmtpIpAddressStatus.Warmed); // never checked

        var recommendations = await Service().RecommendAsync();

        Assert.Equal(
            new[] { (poor.Id, SmtpIpAddressStatus.Degraded, ReputationMoveReason.PoorReputation), (listed.Id, SmtpIpAddressStatus.Quarantined, ReputationMoveReason.ListedAtMajorProvider) }
                .OrderBy(x => x.Item1.Value),
            recommendations.Select(r => (r.Ip.Id, r.To, r.Reason)).OrderBy(x => x.Item1.Value));
        Assert.Equal(SmtpIpAddressStatus.Warmed, (await Store.SmtpIpAddresses.GetAsync(poor.Id))!.Status);
    }

    [Fact]
    public async Task ApplyAsync_Recommendations_WritesLogsWithReasonAndCounts()
    {
        var poor = await CheckedAsync(await AddIpAsync(null, SmtpIpAddressStatus.Warmed), ReputationState.Poor);
        var critical = await CheckedAsync(await AddIpAsync(null, SmtpIpAddressStatus.Warming), ReputationState.Critical);
        var service = Service();
        using var capture = new TelemetryCapture();

        var result = await service.ApplyAsync(await service.RecommendAsync());

        Assert.Empty(result.LostRaces);
        Assert.Equal(2, result.Applied.Count);
        Assert.Equal(SmtpIpAddressStatus.Degraded, (await Store.SmtpIpAddresses.GetAsync(poor.Id))!.Status);
        Assert.Equal(SmtpIpAddressStatus.Quarantined, (await Store.SmtpIpAddresses.GetAsync(critical.Id))!.Status);
        Assert.All(result.Applied, m => Assert.Equal(m.Recommendation.To, m.Stored.Status));
        Assert.Equal(2, _log.Count(PenguinMailsInfraEventIds.ReputationMoveApplied));
        Assert.Contains(_log.Entries, e => e.EventId.Id == PenguinMailsInfraEventIds.ReputationMoveApplied && e.Message.Contains("poor_reputation", StringComparison.Ordinal) && e.Message.Contains(poor.Id.ToString(), StringComparison.Ordinal));
        Assert.Contains(_log.Entries, e => e.EventId.Id == PenguinMailsInfraEventIds.ReputationMoveApplied && e.Message.Contains("critical_reputation", StringComparison.Ordinal));
        Assert.Equal(2, capture.Sum(ReputationPolicyService.MovesCounterName, ("outcome", "applied")));
        Assert.Equal(1, capture.Sum(ReputationPolicyService.MovesCounterName, ("to", "quarantined"), ("reason", "critical_reputation")));
    }

    [Fact]
    public async Task ApplyAsync_StatusChangedSinceRead_ReportsTheLostRaceAndAppliesTheRest()
    {
        var racing = await CheckedAsync(await AddIpAsync(null, SmtpIpAddressStatus.Warmed), ReputationState.Poor);
        var other = await CheckedAsync(await AddIpAsync(null, SmtpIpAddressStatus.Warmed), ReputationState.Poor);
        var service = Service();
        var recommendations = await service.RecommendAsync();
        await Store.SmtpIpAddresses.ChangeStatusAsync(racing, SmtpIpAddressStatus.Burned); // someone else acted first
        using var capture = new TelemetryCapture();

        var result = await service.ApplyAsync(recommendations);

        Assert.Equal([other.Id], result.Applied.Select(m => m.Stored.Id));
        var lost = Assert.Single(result.LostRaces);
        Assert.Equal(racing.Id, lost.Recommendation.Ip.Id);
        Assert.Contains(racing.Id.ToString(), lost.Error, StringComparison.Ordinal);
        Assert.Equal(SmtpIpAddressStatus.Burned, (await Store.SmtpIpAddresses.GetAsync(racing.Id))!.Status);
        Assert.Equal(1, _log.Count(PenguinMailsInfraEventIds.ReputationMoveLostRace));
        Assert.Equal(1, capture.Sum(ReputationPolicyService.MovesCounterName, ("outcome", "lost_race")));
    }

    [Fact]
    public async Task ApplyAsync_IpDeletedSinceRead_ReportedAsLostRace()
    {
        var gone = await CheckedAsync(await AddIpAsync(null, SmtpIpAddressStatus.Warmed), ReputationState.Critical);
        var service = Service();
        var recommendations = await service.RecommendAsync();
        await Store.SmtpIpAddresses.DeleteAsync(gone.Id);

        var result = await service.ApplyAsync(recommendations);

        Assert.Empty(result.Applied);
        Assert.Single(result.LostRaces);
    }

    [Fact]
    public async Task RecommendAsync_QuarantinedAndStillBadAfterBurnAfter_BurnsThenNothingMore()
    {
        var ip = await CheckedAsync(await AddIpAsync(null, SmtpIpAddressStatus.Warmed), ReputationState.Critical);
        var service = Service(new ReputationPolicyOptions { BurnAfter = TimeSpan.FromDays(7) });
        await service.ApplyAsync(await service.RecommendAsync());
        Store.Clock.Advance(TimeSpan.FromDays(6));
        var tooEarly = await service.RecommendAsync();
        Store.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        var late = await service.RecommendAsync();
        await service.ApplyAsync(late);

        Assert.Empty(tooEarly);
        Assert.Equal((SmtpIpAddressStatus.Quarantined, SmtpIpAddressStatus.Burned, ReputationMoveReason.StillBad), (late.Single().From, late.Single().To, late.Single().Reason));
        Assert.Equal(SmtpIpAddressStatus.Burned, (await Store.SmtpIpAddresses.GetAsync(ip.Id))!.Status);
        Assert.Empty(await service.RecommendAsync());
    }

    [Fact]
    public async Task RecommendAsync_Recovered_QuarantinedBackToWarmingAndDegradedBackToWarmed()
    {
        var quarantined = await CheckedAsync(await AddIpAsync(null, SmtpIpAddressStatus.Quarantined), ReputationState.Good);
        var degraded = await CheckedAsync(await AddIpAsync(null, SmtpIpAddressStatus.Degraded), ReputationState.Fair);
        var service = Service();

        var result = await service.ApplyAsync(await service.RecommendAsync());

        Assert.All(result.Applied, m => Assert.Equal(ReputationMoveReason.Recovered, m.Recommendation.Reason));
        Assert.Equal(SmtpIpAddressStatus.Warming, (await Store.SmtpIpAddresses.GetAsync(quarantined.Id))!.Status);
        Assert.Equal(SmtpIpAddressStatus.Warmed, (await Store.SmtpIpAddresses.GetAsync(degraded.Id))!.Status);
    }
}

public sealed class InMemoryReputationPolicyServiceTests : ReputationPolicyServiceContract
{
    protected override IPoliciesStore CreateStore() => new InMemoryPoliciesStore();
}

public sealed class PostgresReputationPolicyServiceTests(PostgresContractDatabase database) : ReputationPolicyServiceContract, IClassFixture<PostgresContractDatabase>
{
    protected override IPoliciesStore CreateStore() => new PostgresPoliciesStore(database);
}
