using Microsoft.Extensions.Logging.Testing;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.IpPools;

/// <summary>The behaviour of <see cref="VpsDecommissionPlanner"/> on every store.</summary>
public abstract class DecommissionPlanContract : IpPoolContractBase
{
    private VpsDecommissionPlanner Planner(IIpPoolAllocator allocator, IpAllocationOptions? options = null) => new(allocator, options, Store.Clock);

    [Fact]
    public async Task ScheduleAsync_NoTime_SchedulesAtTheEndOfTheCurrentBillingPeriod()
    {
        var vps = await VpsAsync(billingDay: 15);

        var scheduled = await Planner(Allocator()).ScheduleAsync(vps.Id);

        Assert.Equal(VpsInstanceStatus.ScheduledDecommission, scheduled.Status);
        Assert.Equal(BillingPeriod.Containing(15, Store.Clock.GetUtcNow()).End, scheduled.DecommissionScheduledFor);
    }

    [Fact]
    public async Task CompleteAsync_IpsStillAssigned_ThrowsBlockedNamingVpsAndCount()
    {
        var vps = await VpsAsync();
        var ip = await IpAsync(vps);
        var allocator = Allocator();
        await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()));
        await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()));
        var planner = Planner(allocator);
        await planner.ScheduleAsync(vps.Id);

        var logger = new FakeLogger<VpsDecommissionPlanner>();
        var ex = await Assert.ThrowsAsync<VpsDecommissionBlockedException>(() => new VpsDecommissionPlanner(allocator, null, Store.Clock, logger).CompleteAsync(vps.Id));

        Assert.Equal((vps.Id, 2L), (ex.VpsInstanceId, ex.NonExpiredAssignments));
        Assert.Contains(vps.Id.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Equal(VpsInstanceStatus.ScheduledDecommission, (await Store.VpsInstances.GetAsync(vps.Id))!.Status);
        Assert.Equal(2, (await ReadIpAsync(ip.Id)).AssignedCount);
        Assert.Equal(1, logger.Count(PenguinMailsInfraEventIds.VpsDecommissionBlocked));
    }

    [Fact]
    public async Task PlanAsync_TargetsOnOtherInstancesUntilFull_RestUnplaceable()
    {
        var leaving = await VpsAsync("us-east");
        await IpAsync(leaving);
        var other = await VpsAsync("us-west");
        var target = await IpAsync(other);
        var options = new IpAllocationOptions { MaxAssignmentsPerIp = 3 };
        var allocator = Allocator(options);
        var onLeaving = new List<IpAllocation>();
        for (var i = 0; i < 3; i++)
        {
            onLeaving.Add(await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { ExcludeVpsInstances = [other.Id] }));
        }

        await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { OnlyIps = [target.Id] }); // one slot of 3 used
        var planner = Planner(allocator, options);
        await planner.ScheduleAsync(leaving.Id);

        var plan = await planner.PlanAsync(leaving.Id);

        Assert.Equal(leaving.Id, plan.VpsInstanceId);
        Assert.Equal(VpsInstanceStatus.ScheduledDecommission, plan.VpsStatus);
        Assert.Equal(3, plan.Steps.Count);
        Assert.Equal(2, plan.PlaceableCount);
        Assert.All(plan.Steps.Where(s => s.IsPlaceable), s => Assert.Equal((target.Id, other.Id), (s.TargetIpId!.Value, s.TargetVpsInstanceId!.Value)));
        var unplaceable = Assert.Single(plan.Steps, s => !s.IsPlaceable);
        Assert.Equal(IpPoolExhaustionReason.AllBusy, unplaceable.UnplaceableReason);
        Assert.Equal(onLeaving.Select(a => a.Assignment.Id).OrderBy(x => x.Value), plan.Steps.Select(s => s.AssignmentId).OrderBy(x => x.Value));
        Assert.Equal(4, (await AllAssignmentsAsync()).Count); // planning writes nothing
    }

    [Fact]
    public async Task ApplyAsync_FullyPlaceable_MovesEverythingAndCompleteSucceeds()
    {
        var leaving = await VpsAsync();
        var old = await IpAsync(leaving);
        var other = await VpsAsync();
        await IpAsync(other);
        await IpAsync(other);
        var allocator = Allocator();
        var expires = Store.Clock.GetUtcNow().AddDays(10);
        var a1 = await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { OnlyIps = [old.Id], Expires = expires });
        await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { OnlyIps = [old.Id] });
        var planner = Planner(allocator);
        await planner.ScheduleAsync(leaving.Id);
        var plan = await planner.PlanAsync(leaving.Id);

        var applied = await planner.ApplyAsync(plan);
        var done = await planner.CompleteAsync(leaving.Id);

        Assert.True(plan.IsFullyPlaceable);
        Assert.Equal(2, applied.MovedCount);
        Assert.All(applied.Moves, m => Assert.Equal(DecommissionMoveOutcome.Moved, m.Outcome));
        Assert.All(applied.Moves, m => Assert.Equal(m.Step.TargetIpId, m.Allocation!.Ip.Id));
        Assert.Equal(expires, applied.Moves.Single(m => m.Step.AssignmentId == a1.Assignment.Id).Allocation!.Assignment.Expires);
        Assert.Equal(VpsInstanceStatus.Decommissioned, done.Status);
        var oldRead = await ReadIpAsync(old.Id);
        Assert.Equal((0, SmtpIpAddressStatus.Available), (oldRead.AssignedCount, oldRead.Status));
        await AssertCountsMatchAsync();
    }

    [Fact]
    public async Task ApplyAsync_AssignmentExpiredSincePlanned_StepIsStale()
    {
        var leaving = await VpsAsync();
        var onLeaving = await IpAsync(leaving);
        await IpAsync(await VpsAsync());
        var allocator = Allocator();
        var moving = await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { OnlyIps = [onLeaving.Id] });
        var planner = Planner(allocator);
        var plan = await planner.PlanAsync(leaving.Id);
        Assert.Single(plan.Steps);
        await Store.DomainIpAssignments.ChangeStatusAsync(moving.Assignment, DomainIpAssignmentStatus.Expired);

        var applied = await planner.ApplyAsync(plan);

        Assert.Equal(DecommissionMoveOutcome.Stale, Assert.Single(applied.Moves).Outcome);
    }

    [Fact]
    public async Task CompleteAsync_ActiveInstance_RefusesByLifecycle()
    {
        var vps = await VpsAsync();

        await Assert.ThrowsAsync<Lifecycles.InvalidStatusTransitionException>(() => Planner(Allocator()).CompleteAsync(vps.Id));
    }
}

public sealed class InMemoryDecommissionPlanTests : DecommissionPlanContract
{
    protected override bool UsesPostgres => false;
}

public sealed class PostgresDecommissionPlanTests : DecommissionPlanContract
{
    protected override bool UsesPostgres => true;
}
