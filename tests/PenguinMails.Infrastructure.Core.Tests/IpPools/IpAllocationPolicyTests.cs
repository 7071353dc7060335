using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Tests.IpPools;

public sealed class IpAllocationPolicyTests
{
    private static readonly VpsInstanceId VpsA = new(Guid.Parse("00000000-0000-0000-0000-00000000000a"));
    private static readonly VpsInstanceId VpsB = new(Guid.Parse("00000000-0000-0000-0000-00000000000b"));

    private static IpCandidate Candidate(
        int n,
        SmtpIpAddressStatus status = SmtpIpAddressStatus.Available,
        ReputationState? reputation = ReputationState.Good,
        int count = 0,
        VpsInstanceId? vps = null,
        string? region = "r1",
        VpsInstanceStatus? vpsStatus = VpsInstanceStatus.Active,
        bool held = false,
        int onVps = 0,
        int inRegion = 0
    ) =>
        new(new SmtpIpAddressId(new Guid(n, 0, 0, new byte[8])), vps ?? VpsA, region, vpsStatus, status, reputation, count, held, onVps, inRegion);

    private static IpAllocationOptions Options => new();

    [Fact]
    public void Rank_StatusPreference_WarmedThenAssignedThenAvailableThenWarming()
    {
        var ranked = IpAllocationPolicy.Rank(
            [Candidate(1, SmtpIpAddressStatus.Warming), Candidate(2, SmtpIpAddressStatus.Available), Candidate(3, SmtpIpAddressStatus.Assigned), Candidate(4, SmtpIpAddressStatus.Warmed)],
            Options);

        Assert.Equal([4, 3, 2, 1], ranked.Select(c => c.Id.Value.ToByteArray()[0]).Select(b => (int)b));
    }

    [Fact]
    public void Rank_SameStatus_GoodBeforeFairBeforeUncheckedBeforePoor()
    {
        var ranked = IpAllocationPolicy.Rank(
            [Candidate(1, reputation: ReputationState.Poor), Candidate(2, reputation: null), Candidate(3, reputation: ReputationState.Fair), Candidate(4, reputation: ReputationState.Good)],
            Options);

        Assert.Equal([4, 3, 2, 1], ranked.Select(c => (int)c.Id.Value.ToByteArray()[0]));
    }

    [Fact]
    public void Rank_SameStatusAndReputation_FewestAssignmentsFirstThenId()
    {
        var ranked = IpAllocationPolicy.Rank([Candidate(3, count: 2), Candidate(2, count: 1), Candidate(1, count: 2)], Options);

        Assert.Equal([2, 1, 3], ranked.Select(c => (int)c.Id.Value.ToByteArray()[0]));
    }

    [Fact]
    public void Rank_SpreadAcrossVps_BeatsStatusPreference()
    {
        var sameVps = Candidate(1, SmtpIpAddressStatus.Warmed, vps: VpsA, onVps: 1, inRegion: 1);
        var otherVps = Candidate(2, SmtpIpAddressStatus.Warming, vps: VpsB, onVps: 0, inRegion: 1);

        Assert.Equal(otherVps, IpAllocationPolicy.Rank([sameVps, otherVps], Options)[0]);
        Assert.Equal(sameVps, IpAllocationPolicy.Rank([sameVps, otherVps], new IpAllocationOptions { SpreadAcrossVpsInstances = false })[0]);
    }

    [Fact]
    public void Rank_SpreadAcrossRegions_PrefersRegionWithFewerOfTheDomainsIps()
    {
        var crowded = Candidate(1, vps: VpsA, region: "east", inRegion: 2);
        var empty = Candidate(2, vps: VpsB, region: "west", inRegion: 0, count: 5);

        Assert.Equal(empty, IpAllocationPolicy.Rank([crowded, empty], new IpAllocationOptions { SpreadAcrossVpsInstances = false })[0]);
        Assert.Equal(crowded, IpAllocationPolicy.Rank([crowded, empty], new IpAllocationOptions { SpreadAcrossVpsInstances = false, SpreadAcrossRegions = false })[0]);
    }

    [Fact]
    public void Rank_ReputationPreferenceOff_IgnoresReputation()
    {
        var poorFew = Candidate(1, reputation: ReputationState.Poor, count: 0);
        var goodMany = Candidate(2, reputation: ReputationState.Good, count: 3);

        Assert.Equal(poorFew, IpAllocationPolicy.Rank([goodMany, poorFew], new IpAllocationOptions { PreferGoodReputation = false })[0]);
    }

    [Fact]
    public void Check_EachRule_ReportsTheFirstBrokenOne()
    {
        var options = new IpAllocationOptions { MaxAssignmentsPerIp = 2 };

        Assert.Equal(IpIneligibility.StatusNotAssignable, IpAllocationPolicy.Check(Candidate(1, SmtpIpAddressStatus.Degraded), options));
        Assert.Equal(IpIneligibility.VpsNotActive, IpAllocationPolicy.Check(Candidate(1, vpsStatus: VpsInstanceStatus.ScheduledDecommission), options));
        Assert.Equal(IpIneligibility.VpsNotActive, IpAllocationPolicy.Check(Candidate(1, vpsStatus: null), options));
        Assert.Equal(IpIneligibility.ExcludedReputation, IpAllocationPolicy.Check(Candidate(1, reputation: ReputationState.Critical), options));
        Assert.Equal(IpIneligibility.AlreadyHeldByDomain, IpAllocationPolicy.Check(Candidate(1, held: true, count: 2), options));
        Assert.Equal(IpIneligibility.AtCapacity, IpAllocationPolicy.Check(Candidate(1, count: 2), options));
        Assert.Null(IpAllocationPolicy.Check(Candidate(1, count: 1), options));
        Assert.Null(IpAllocationPolicy.Check(Candidate(1, vpsStatus: null), new IpAllocationOptions { RequireActiveVps = false }));
    }

    [Fact]
    public void Check_RequestExclusions_ExcludeIpVpsAndEverythingOutsideOnlyIps()
    {
        var c = Candidate(1, vps: VpsA);
        var domain = DomainId.New();

        Assert.Equal(IpIneligibility.ExcludedByRequest, IpAllocationPolicy.Check(c, Options, new IpAllocationRequest(domain) { ExcludeIps = [c.Id] }));
        Assert.Equal(IpIneligibility.ExcludedByRequest, IpAllocationPolicy.Check(c, Options, new IpAllocationRequest(domain) { ExcludeVpsInstances = [VpsA] }));
        Assert.Equal(IpIneligibility.ExcludedByRequest, IpAllocationPolicy.Check(c, Options, new IpAllocationRequest(domain) { OnlyIps = [Candidate(2).Id] }));
        Assert.Null(IpAllocationPolicy.Check(c, Options, new IpAllocationRequest(domain) { OnlyIps = [c.Id], ExcludeVpsInstances = [VpsB] }));
    }

    [Fact]
    public void BuildCandidates_Holdings_CountPerVpsAndRegionAndMarkHeldIps()
    {
        var held = new SmtpIpAddressId(Guid.NewGuid());
        var other = new SmtpIpAddressId(Guid.NewGuid());
        IpPoolRow[] rows =
        [
            new(held, VpsA, "east", VpsInstanceStatus.Active, SmtpIpAddressStatus.Assigned, null, 1),
            new(other, VpsA, "east", VpsInstanceStatus.Active, SmtpIpAddressStatus.Available, null, 0),
        ];

        var candidates = IpAllocationPolicy.BuildCandidates(rows, [new DomainHolding(held, VpsA, "east"), new DomainHolding(new SmtpIpAddressId(Guid.NewGuid()), VpsB, "east")]);

        Assert.True(candidates[0].HeldByDomain);
        Assert.False(candidates[1].HeldByDomain);
        Assert.Equal((1, 2), (candidates[1].DomainAssignmentsOnVps, candidates[1].DomainAssignmentsInRegion));
    }

    [Fact]
    public void Options_Validate_ReportsEveryFailureAtOnce()
    {
        var options = new IpAllocationOptions
        {
            MaxAssignmentsPerIp = 0,
            LockAttempts = 0,
            StatusPreference = [SmtpIpAddressStatus.Burned, SmtpIpAddressStatus.Warmed, SmtpIpAddressStatus.Warmed],
            DefaultAssignmentDuration = TimeSpan.Zero,
        };

        var failures = options.Validate();

        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.Contains("MaxAssignmentsPerIp", StringComparison.Ordinal));
        Assert.Empty(new IpAllocationOptions().Validate());
        Assert.Equal(2, new IpRotationOptions { BatchSize = 0, ReplacementDuration = TimeSpan.FromSeconds(-1) }.Validate().Count);
    }

    [Fact]
    public void IpPoolExhaustedException_LockedOnly_IsTransientAndNamesCounts()
    {
        var domain = DomainId.New();
        var locked = new IpPoolExhaustedException(domain, IpPoolExhaustionReason.AllBusy, 3, new Dictionary<IpIneligibility, int>(), 3);
        var none = new IpPoolExhaustedException(domain, IpPoolExhaustionReason.NoEligibleIp, 2, new Dictionary<IpIneligibility, int> { [IpIneligibility.VpsNotActive] = 2 }, 0);

        Assert.True(locked.IsTransient);
        Assert.False(none.IsTransient);
        Assert.Contains(domain.ToString(), none.Message, StringComparison.Ordinal);
        Assert.Contains("no eligible IP exists", none.Message, StringComparison.Ordinal);
        Assert.Contains("VpsNotActive: 2", none.Message, StringComparison.Ordinal);
    }
}

public sealed class DecommissionPlanBuildTests
{
    [Fact]
    public void BuildPlan_TargetsFillInPolicyOrderAndCountEarlierSteps()
    {
        var leaving = new VpsInstance { Region = "east", Status = VpsInstanceStatus.ScheduledDecommission, DecommissionScheduledFor = DateTimeOffset.UnixEpoch };
        var otherVps = VpsInstanceId.New();
        var oldIp = new SmtpIpAddressId(Guid.NewGuid());
        var warmed = new SmtpIpAddressId(Guid.Parse("00000000-0000-0000-0000-000000000001"));
        var available = new SmtpIpAddressId(Guid.Parse("00000000-0000-0000-0000-000000000002"));
        IpPoolRow[] rows =
        [
            new(oldIp, leaving.Id, "east", VpsInstanceStatus.ScheduledDecommission, SmtpIpAddressStatus.Assigned, null, 3),
            new(warmed, otherVps, "west", VpsInstanceStatus.Active, SmtpIpAddressStatus.Warmed, ReputationState.Good, 0),
            new(available, otherVps, "west", VpsInstanceStatus.Active, SmtpIpAddressStatus.Available, ReputationState.Good, 0),
        ];
        var assignments = Enumerable.Range(1, 3)
            .Select(i => new DomainIpAssignment { Id = new DomainIpAssignmentId(new Guid(i, 0, 0, new byte[8])), DomainId = DomainId.New(), SmtpIpAddressId = oldIp })
            .ToList();
        var holdings = assignments.ToDictionary(a => a.DomainId!.Value, a => new List<DomainHolding> { new(oldIp, leaving.Id, "east") });

        var plan = VpsDecommissionPlanner.BuildPlan(leaving, assignments, rows, holdings, new IpAllocationOptions { MaxAssignmentsPerIp = 1 }, DateTimeOffset.UnixEpoch);

        Assert.Equal([warmed, available], plan.Steps.Take(2).Select(s => s.TargetIpId!.Value));
        Assert.False(plan.Steps[2].IsPlaceable);
        Assert.Equal(IpPoolExhaustionReason.AllBusy, plan.Steps[2].UnplaceableReason);
        Assert.Contains("AtCapacity: 2", plan.Steps[2].UnplaceableDetail, StringComparison.Ordinal);
    }
}
