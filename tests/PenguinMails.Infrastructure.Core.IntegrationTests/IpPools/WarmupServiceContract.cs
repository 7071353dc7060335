using Microsoft.Extensions.Logging.Testing;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.IpPools;

/// <summary>The warmup service over the repositories, run unchanged on PostgreSQL and in memory.</summary>
public abstract class WarmupServiceContract : PoliciesContractBase
{
    private readonly FakeLogger<WarmupService> _log = new();

    private WarmupService Service(WarmupOptions? options = null) =>
        new(Store.SmtpIpAddresses, Store.DomainIpAssignments, options ?? new WarmupOptions(), Store.Clock, _log);

    [Fact]
    public async Task GetProgressAsync_TwoAndAHalfDaysIn_DayThreeOfTheDefaultPlan()
    {
        var ip = await AddIpAsync(null, SmtpIpAddressStatus.Warming);
        var assignment = await AssignAsync(ip, TenantId.New(), DomainIpAssignmentStatus.Warming, WarmupState.Warming);
        Store.Clock.Advance(TimeSpan.FromDays(2.5));

        var progress = await Service().GetProgressAsync(assignment.Id);

        Assert.Equal(("default", 3, (int?)98, false), (progress.PlanName, progress.DayNumber, progress.DailyCap, progress.IsComplete));
        Assert.Equal(Start, progress.WarmupStart);
        Assert.Equal(2.5 / 30, progress.Fraction, 10);
    }

    [Fact]
    public async Task GetProgressAsync_NamedPlanFromOptions_UsesIt()
    {
        var options = new WarmupOptions { DefaultPlan = "short" };
        options.Plans["short"] = [5, 10];
        var ip = await AddIpAsync(null, SmtpIpAddressStatus.Warming);
        var assignment = await AssignAsync(ip, TenantId.New(), DomainIpAssignmentStatus.Warming, WarmupState.Warming);
        Store.Clock.Advance(TimeSpan.FromDays(1));

        var progress = await Service(options).GetProgressAsync(assignment.Id);

        Assert.Equal(("short", 2, (int?)10), (progress.PlanName, progress.DayNumber, progress.DailyCap));
        Assert.Equal(70, (await Service(options).GetProgressAsync(assignment.Id, "default")).DailyCap);
    }

    [Fact]
    public async Task GetProgressAsync_UnknownAssignment_ThrowsNotFound() =>
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Service().GetProgressAsync(DomainIpAssignmentId.New()));

    [Fact]
    public async Task AdvanceCompletedAsync_PlanComplete_WarmsAssignmentThenIpAndIsIdempotent()
    {
        var ip = await AddIpAsync(null, SmtpIpAddressStatus.Warming);
        var assignment = await AssignAsync(ip, TenantId.New(), DomainIpAssignmentStatus.Warming, WarmupState.Warming);
        var service = Service();
        Store.Clock.Advance(TimeSpan.FromDays(30).Subtract(TimeSpan.FromSeconds(1)));

        var early = await service.AdvanceCompletedAsync();
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var done = await service.AdvanceCompletedAsync();
        var again = await service.AdvanceCompletedAsync();

        Assert.Empty(early.AssignmentsWarmed);
        Assert.Equal([assignment.Id], done.AssignmentsWarmed.Select(a => a.Id));
        Assert.Equal([ip.Id], done.IpsWarmed.Select(i => i.Id));
        Assert.Empty(done.LostRaces);
        Assert.Equal(WarmupState.Warmed, (await Store.DomainIpAssignments.GetAsync(assignment.Id))!.WarmupState);
        Assert.Equal(SmtpIpAddressStatus.Warmed, (await Store.SmtpIpAddresses.GetAsync(ip.Id))!.Status);
        Assert.Equal((0, 0), (again.AssignmentsWarmed.Count, again.IpsWarmed.Count));
        Assert.Equal(1, _log.Count(PenguinMailsInfraEventIds.WarmupAssignmentWarmed));
        Assert.Equal(1, _log.Count(PenguinMailsInfraEventIds.WarmupIpWarmed));
    }

    [Fact]
    public async Task AdvanceCompletedAsync_AnotherDomainStillMidPlan_IpKeepsWarming()
    {
        var ip = await AddIpAsync(null, SmtpIpAddressStatus.Warming);
        var first = await AssignAsync(ip, TenantId.New(), DomainIpAssignmentStatus.Warming, WarmupState.Warming);
        Store.Clock.Advance(TimeSpan.FromDays(20));
        await AssignAsync(ip, TenantId.New(), DomainIpAssignmentStatus.Warming, WarmupState.Warming);
        Store.Clock.Advance(TimeSpan.FromDays(10));

        var result = await Service().AdvanceCompletedAsync();

        Assert.Equal([first.Id], result.AssignmentsWarmed.Select(a => a.Id));
        Assert.Empty(result.IpsWarmed);
        Assert.Equal(SmtpIpAddressStatus.Warming, (await Store.SmtpIpAddresses.GetAsync(ip.Id))!.Status);
    }

    [Fact]
    public async Task FindIpsNeedingRewarmAsync_UnusedForThirtyDays_RecommendedAndAppliedWhereTheLifecycleAllows()
    {
        var assigned = await AddIpAsync(null, SmtpIpAddressStatus.Assigned);
        var warmed = await AddIpAsync(null, SmtpIpAddressStatus.Warmed);
        var busy = await AddIpAsync(null, SmtpIpAddressStatus.Assigned);
        var a1 = await AssignAsync(assigned, TenantId.New());
        await Store.DomainIpAssignments.UpdateAsync(a1 with { LastSent = Start.AddHours(1) });
        var a2 = await AssignAsync(busy, TenantId.New());
        Store.Clock.Advance(TimeSpan.FromDays(25));
        await Store.DomainIpAssignments.UpdateAsync((await Store.DomainIpAssignments.GetAsync(a2.Id))! with { LastSent = Store.Clock.GetUtcNow() });
        Store.Clock.Advance(TimeSpan.FromDays(6));
        var service = Service();

        var recommendations = await service.FindIpsNeedingRewarmAsync();
        var result = await service.ApplyRewarmAsync(recommendations);

        Assert.Equal(
            new[] { (assigned.Id, false, true), (warmed.Id, true, false) }.OrderBy(x => x.Item1.Value),
            recommendations.Select(r => (r.Ip.Id, r.NeverSent, r.CanApply)).OrderBy(x => x.Item1.Value));
        Assert.Equal([assigned.Id], result.Applied.Select(i => i.Id));
        Assert.Equal([warmed.Id], result.NotAllowed.Select(r => r.Ip.Id));
        Assert.Equal(SmtpIpAddressStatus.Warming, (await Store.SmtpIpAddresses.GetAsync(assigned.Id))!.Status);
        Assert.Equal(SmtpIpAddressStatus.Warmed, (await Store.SmtpIpAddresses.GetAsync(warmed.Id))!.Status);
        Assert.Equal(1, _log.Count(PenguinMailsInfraEventIds.WarmupIpRewarming));
    }

    [Fact]
    public async Task ApplyRewarmAsync_StatusChangedSinceRead_ReportedAsLostRaceNotThrown()
    {
        await AddIpAsync(null, SmtpIpAddressStatus.Available);
        Store.Clock.Advance(TimeSpan.FromDays(31));
        var service = Service();
        var recommendation = Assert.Single(await service.FindIpsNeedingRewarmAsync());
        await Store.SmtpIpAddresses.ChangeStatusAsync(recommendation.Ip, SmtpIpAddressStatus.Assigned);

        var result = await service.ApplyRewarmAsync([recommendation]);

        Assert.Empty(result.Applied);
        Assert.Equal(recommendation.Ip.Id.ToString(), Assert.Single(result.LostRaces).Id);
        Assert.Equal(SmtpIpAddressStatus.Assigned, (await Store.SmtpIpAddresses.GetAsync(recommendation.Ip.Id))!.Status);
        Assert.Equal(1, _log.Count(PenguinMailsInfraEventIds.WarmupLostRace));
    }
}

public sealed class InMemoryWarmupServiceTests : WarmupServiceContract
{
    protected override IPoliciesStore CreateStore() => new InMemoryPoliciesStore();
}

public sealed class PostgresWarmupServiceTests(PostgresContractDatabase database) : WarmupServiceContract, IClassFixture<PostgresContractDatabase>
{
    protected override IPoliciesStore CreateStore() => new PostgresPoliciesStore(database);
}
