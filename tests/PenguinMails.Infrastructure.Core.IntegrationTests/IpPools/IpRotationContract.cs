using Microsoft.Extensions.Logging.Testing;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.IpPools;

/// <summary>The behaviour of <see cref="IpRotationService"/> on every store.</summary>
public abstract class IpRotationContract : IpPoolContractBase
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private IpRotationService Rotation(IIpPoolAllocator allocator, IpRotationOptions? options = null) => new(allocator, options, Store.Clock);

    [Fact]
    public async Task RotateAsync_DueAssignmentWithAnotherActive_ExpiresDecrementsAndReturnsIpToAvailable()
    {
        var vps = await VpsAsync();
        var ip1 = await IpAsync(vps);
        await IpAsync(vps);
        var domain = await DomainAsync();
        var allocator = Allocator(new IpAllocationOptions { SpreadAcrossVpsInstances = false });
        var due = await allocator.AllocateAsync(new IpAllocationRequest(domain) { Expires = Store.Clock.GetUtcNow() + Hour, OnlyIps = [ip1.Id] });
        var stays = await allocator.AllocateAsync(new IpAllocationRequest(domain));
        Store.Clock.Advance(2 * Hour);

        var result = await Rotation(allocator).RotateAsync();

        var move = Assert.Single(result.Moves);
        Assert.Equal((IpRotationOutcome.Expired, SmtpIpAddressStatus.Assigned, SmtpIpAddressStatus.Available), (move.Outcome, move.IpStatusBefore, move.IpStatusAfter));
        Assert.Equal([ip1.Id], result.IpsReturnedToAvailable);
        Assert.Equal(DomainIpAssignmentStatus.Expired, (await Store.DomainIpAssignments.GetAsync(due.Assignment.Id))!.Status);
        Assert.Equal(DomainIpAssignmentStatus.Active, (await Store.DomainIpAssignments.GetAsync(stays.Assignment.Id))!.Status);
        var read = await ReadIpAsync(ip1.Id);
        Assert.Equal((0, SmtpIpAddressStatus.Available), (read.AssignedCount, read.Status));
        await AssertCountsMatchAsync();
    }

    [Fact]
    public async Task RotateAsync_LastActiveAssignment_AllocatesReplacementOnAnotherIpInTheSameTransaction()
    {
        var vps = await VpsAsync();
        var ip1 = await IpAsync(vps);
        var ip2 = await IpAsync(vps);
        var domain = await DomainAsync();
        var allocator = Allocator();
        var due = await allocator.AllocateAsync(new IpAllocationRequest(domain) { Expires = Store.Clock.GetUtcNow() + Hour, OnlyIps = [ip1.Id] });
        Store.Clock.Advance(2 * Hour);

        var result = await Rotation(allocator).RotateAsync();

        var move = Assert.Single(result.Moves);
        Assert.Equal(IpRotationOutcome.Replaced, move.Outcome);
        Assert.Equal(ip2.Id, move.Replacement!.Ip.Id);
        Assert.Equal(due.Assignment.Id, move.AssignmentId);
        var live = (await AllAssignmentsAsync()).Where(a => a.DomainId == domain && a.IsInForceAt(Store.Clock.GetUtcNow())).ToList();
        Assert.Equal(ip2.Id, Assert.Single(live).SmtpIpAddressId);
        await AssertCountsMatchAsync();
    }

    [Fact]
    public async Task RotateAsync_LastActiveAssignmentAndNoOtherIp_KeepsItAndReportsWhy()
    {
        var ip = await IpAsync(await VpsAsync());
        var domain = await DomainAsync();
        var allocator = Allocator();
        var due = await allocator.AllocateAsync(new IpAllocationRequest(domain) { Expires = Store.Clock.GetUtcNow() + Hour });
        Store.Clock.Advance(2 * Hour);

        var result = await Rotation(allocator).RotateAsync();

        var move = Assert.Single(result.Moves);
        Assert.Equal((IpRotationOutcome.KeptNoReplacement, IpPoolExhaustionReason.NoEligibleIp), (move.Outcome, move.NoReplacementReason));
        Assert.Equal(1, result.KeptCount);
        Assert.Equal(DomainIpAssignmentStatus.Active, (await Store.DomainIpAssignments.GetAsync(due.Assignment.Id))!.Status);
        Assert.Equal(1, (await ReadIpAsync(ip.Id)).AssignedCount);
    }

    [Fact]
    public async Task RotateAsync_KeptAndExpired_LogsStableEventIds()
    {
        var vps = await VpsAsync();
        await IpAsync(vps);
        var allocator = Allocator();
        await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { Expires = Store.Clock.GetUtcNow() + Hour });
        Store.Clock.Advance(Hour);
        var logger = new FakeLogger<IpRotationService>();

        await new IpRotationService(allocator, null, Store.Clock, logger).RotateAsync();
        await IpAsync(vps);
        await new IpRotationService(allocator, null, Store.Clock, logger).RotateAsync();

        Assert.Equal(1, logger.Count(PenguinMailsInfraEventIds.IpAssignmentKept)); // kept: no other IP the first time
        Assert.Equal(1, logger.Count(PenguinMailsInfraEventIds.IpAssignmentRotatedOut)); // expired the second time
        Assert.Equal(1, logger.Count(PenguinMailsInfraEventIds.IpAssignmentReplaced)); // ... with a replacement
        Assert.Equal(2, logger.Count(PenguinMailsInfraEventIds.IpRotationCompleted));
    }

    [Fact]
    public async Task RotateAsync_ReplacementOff_ExpiresTheLastAssignment()
    {
        var ip = await IpAsync(await VpsAsync());
        var allocator = Allocator();
        await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { Expires = Store.Clock.GetUtcNow() + Hour });
        Store.Clock.Advance(Hour);

        var result = await Rotation(allocator, new IpRotationOptions { ReplaceLastActiveAssignment = false }).RotateAsync();

        Assert.Equal(1, result.ExpiredCount);
        Assert.Equal(SmtpIpAddressStatus.Available, (await ReadIpAsync(ip.Id)).Status);
        await AssertCountsMatchAsync();
    }

    [Fact]
    public async Task RotateAsync_RunTwiceAtTheSameTime_SecondRunDoesNothing()
    {
        var vps = await VpsAsync();
        await IpAsync(vps);
        await IpAsync(vps);
        var allocator = Allocator();
        await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { Expires = Store.Clock.GetUtcNow() + Hour });
        Store.Clock.Advance(2 * Hour);
        var rotation = Rotation(allocator);

        var first = await rotation.RotateAsync();
        var before = await AllAssignmentsAsync();
        var second = await rotation.RotateAsync();

        Assert.Equal(1, first.ExpiredCount);
        Assert.Equal(0, second.Examined);
        Assert.Equal(before, await AllAssignmentsAsync());
    }

    [Fact]
    public async Task RotateAsync_NotYetDue_IsLeftAlone()
    {
        await IpAsync(await VpsAsync());
        var allocator = Allocator();
        await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { Expires = Store.Clock.GetUtcNow() + Hour });
        Store.Clock.Advance(Hour - TimeSpan.FromMicroseconds(1));

        var result = await Rotation(allocator).RotateAsync();

        Assert.Equal(0, result.Examined);
    }

    [Fact]
    public async Task RotateAsync_MoreDueThanBatch_HandlesBatchAndReportsMore()
    {
        var vps = await VpsAsync();
        var allocator = Allocator();
        for (var i = 0; i < 3; i++)
        {
            await IpAsync(vps);
            await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { Expires = Store.Clock.GetUtcNow() + Hour });
        }

        Store.Clock.Advance(Hour);
        var rotation = Rotation(allocator, new IpRotationOptions { BatchSize = 2, ReplaceLastActiveAssignment = false });

        var first = await rotation.RotateAsync();
        var second = await rotation.RotateAsync();

        Assert.Equal((2, true), (first.ExpiredCount, first.HasMore));
        Assert.Equal((1, false), (second.ExpiredCount, second.HasMore));
        Assert.All(await AllIpsAsync(), ip => Assert.Equal((0, SmtpIpAddressStatus.Available), (ip.AssignedCount, ip.Status)));
    }

    [Fact]
    public async Task RotateAsync_TwoDueOfOneDomain_ReplacesOnceAndExpiresBothEarliestFirst()
    {
        var vps = await VpsAsync();
        var ip1 = await IpAsync(vps);
        var ip2 = await IpAsync(vps);
        var ip3 = await IpAsync(vps);
        var domain = await DomainAsync();
        var allocator = Allocator(new IpAllocationOptions { SpreadAcrossVpsInstances = false });
        var later = await allocator.AllocateAsync(new IpAllocationRequest(domain) { Expires = Store.Clock.GetUtcNow() + 2 * Hour, OnlyIps = [ip2.Id] });
        var earlier = await allocator.AllocateAsync(new IpAllocationRequest(domain) { Expires = Store.Clock.GetUtcNow() + Hour, OnlyIps = [ip1.Id] });
        Store.Clock.Advance(3 * Hour);

        var result = await Rotation(allocator).RotateAsync();

        // Earliest expiry first: it was the domain's last in force, so it is replaced (by the one free IP); the second
        // finds the replacement in force and only expires.
        Assert.Equal([earlier.Assignment.Id, later.Assignment.Id], result.Moves.Select(m => m.AssignmentId));
        Assert.Equal([IpRotationOutcome.Replaced, IpRotationOutcome.Expired], result.Moves.Select(m => m.Outcome));
        Assert.Equal(ip3.Id, result.Moves[0].Replacement!.Ip.Id);
        Assert.Equal((2, 1, 0), (result.ExpiredCount, result.ReplacedCount, result.KeptCount));
        Assert.Equal(new HashSet<SmtpIpAddressId> { ip1.Id, ip2.Id }, result.IpsReturnedToAvailable.ToHashSet());
        await AssertCountsMatchAsync();
    }

    [Fact]
    public async Task RotateAsync_FourRotationsAtOnce_ExpireEveryDueAssignmentExactlyOnce()
    {
        const int Due = 40;
        var vpss = new[] { await VpsAsync("r1"), await VpsAsync("r2") };
        for (var i = 0; i < Due + 10; i++)
        {
            await IpAsync(vpss[i % 2]);
        }

        var allocator = Allocator(new IpAllocationOptions { MaxAssignmentsPerIp = 2 });
        for (var i = 0; i < Due; i++)
        {
            await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { Expires = Store.Clock.GetUtcNow() + Hour });
        }

        Store.Clock.Advance(2 * Hour);
        var options = new IpRotationOptions { BatchSize = 7 };
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            var moves = new List<IpRotationMove>();
            IpRotationResult result;
            do
            {
                result = await Rotation(allocator, options).RotateAsync();
                moves.AddRange(result.Moves);
            }
            while (result.HasMore || result.Examined > 0);
            return moves;
        })).ToList();
        gate.SetResult();
        var all = (await Task.WhenAll(runs)).SelectMany(m => m).ToList();

        // Every due assignment was handled by exactly one rotation, and each was replaced (it was its domain's only IP).
        Assert.Equal(Due, all.Count);
        Assert.Equal(Due, all.Select(m => m.AssignmentId).Distinct().Count());
        Assert.All(all, m => Assert.Equal(IpRotationOutcome.Replaced, m.Outcome));
        var now = Store.Clock.GetUtcNow();
        var assignments = await AllAssignmentsAsync();
        Assert.Equal(Due, assignments.Count(a => a.Status == DomainIpAssignmentStatus.Expired));
        Assert.Equal(Due, assignments.Count(a => a.IsInForceAt(now)));
        Assert.Equal(Due, assignments.Where(a => a.IsInForceAt(now)).Select(a => a.DomainId).Distinct().Count());
        await AssertCountsMatchAsync();
    }
}

public sealed class InMemoryIpRotationTests : IpRotationContract
{
    protected override bool UsesPostgres => false;
}

public sealed class PostgresIpRotationTests : IpRotationContract
{
    protected override bool UsesPostgres => true;
}
