using PenguinMails.Infrastructure.TestKit;
using Microsoft.Extensions.Logging.Testing;
using System.Collections.Concurrent;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;
using Xunit.Abstractions;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.IpPools;

/// <summary>The behaviour of every <see cref="IIpPoolAllocator"/>, run on PostgreSQL and in memory.</summary>
public abstract class IpAllocationContract : IpPoolContractBase
{
    [Fact]
    public async Task AllocateAsync_AvailableIp_InsertsActiveAssignmentCountsAndMovesIpToAssigned()
    {
        var vps = await VpsAsync();
        var ip = await IpAsync(vps);
        var domain = await DomainAsync();

        var allocation = await Allocator().AllocateAsync(new IpAllocationRequest(domain));

        Assert.Equal(ip.Id, allocation.Ip.Id);
        Assert.Equal(SmtpIpAddressStatus.Available, allocation.PreviousIpStatus);
        Assert.Equal(SmtpIpAddressStatus.Assigned, allocation.Ip.Status);
        Assert.Equal(1, allocation.Ip.AssignedCount);
        Assert.Equal(DomainIpAssignmentStatus.Active, allocation.Assignment.Status);
        Assert.Equal(domain, allocation.Assignment.DomainId);
        Assert.Null(allocation.Assignment.Expires);
        Assert.Equal(allocation.Assignment, await Store.DomainIpAssignments.GetAsync(allocation.Assignment.Id));
        Assert.Equal(allocation.Ip, await ReadIpAsync(ip.Id));
    }

    [Fact]
    public async Task AllocateAsync_WarmedGoodAmongOthers_PicksWarmedGoodAndMovesItToAssigned()
    {
        var vps = await VpsAsync();
        await IpAsync(vps, SmtpIpAddressStatus.Available);
        await IpAsync(vps, SmtpIpAddressStatus.Warmed, ReputationState.Poor);
        var best = await IpAsync(vps, SmtpIpAddressStatus.Warmed, ReputationState.Good);
        await IpAsync(vps, SmtpIpAddressStatus.Warming);

        var allocation = await Allocator().AllocateAsync(new IpAllocationRequest(await DomainAsync()));

        Assert.Equal(best.Id, allocation.Ip.Id);
        Assert.Equal(SmtpIpAddressStatus.Warmed, allocation.PreviousIpStatus);
        Assert.Equal(SmtpIpAddressStatus.Assigned, allocation.Ip.Status);
    }

    [Fact]
    public async Task AllocateAsync_OnlyWarmingIp_KeepsIpWarmingAndAssignmentWarming()
    {
        var vps = await VpsAsync();
        var ip = await IpAsync(vps, SmtpIpAddressStatus.Warming);

        var allocation = await Allocator().AllocateAsync(new IpAllocationRequest(await DomainAsync()));

        Assert.Equal(ip.Id, allocation.Ip.Id);
        Assert.Equal(SmtpIpAddressStatus.Warming, allocation.Ip.Status);
        Assert.Equal(DomainIpAssignmentStatus.Warming, allocation.Assignment.Status);
    }

    [Fact]
    public async Task AllocateAsync_SameDomainTwice_SpreadsAcrossVpsInstancesAndRegions()
    {
        var east = await VpsAsync("us-east");
        var eastToo = await VpsAsync("us-east");
        var west = await VpsAsync("us-west");
        foreach (var v in new[] { east, eastToo, west })
        {
            await IpAsync(v);
            await IpAsync(v);
        }

        var domain = await DomainAsync();
        var allocator = Allocator();
        var first = await allocator.AllocateAsync(new IpAllocationRequest(domain));
        var second = await allocator.AllocateAsync(new IpAllocationRequest(domain));
        var third = await allocator.AllocateAsync(new IpAllocationRequest(domain));

        var vpsOf = new[] { first, second, third }.Select(a => a.Ip.VpsInstanceId).ToList();
        Assert.Equal(3, vpsOf.Distinct().Count());
        var regionOf = (await Task.WhenAll(vpsOf.Take(2).Select(v => Store.VpsInstances.GetAsync(v!.Value)))).Select(v => v!.Region).ToList();
        Assert.Equal(2, regionOf.Distinct().Count());
    }

    [Fact]
    public async Task AllocateAsync_DomainAlreadyHoldsTheOnlyIp_ThrowsNoEligibleIp()
    {
        var vps = await VpsAsync();
        await IpAsync(vps);
        var domain = await DomainAsync();
        var allocator = Allocator();
        await allocator.AllocateAsync(new IpAllocationRequest(domain));

        var ex = await Assert.ThrowsAsync<IpPoolExhaustedException>(() => allocator.AllocateAsync(new IpAllocationRequest(domain)));

        Assert.Equal(IpPoolExhaustionReason.NoEligibleIp, ex.Reason);
        Assert.Equal(domain, ex.DomainId);
        Assert.Equal(1, ex.Excluded[IpIneligibility.AlreadyHeldByDomain]);
        Assert.False(ex.IsTransient);
        Assert.Single(await AllAssignmentsAsync());
    }

    [Fact]
    public async Task AllocateAsync_EveryIpAtMaximum_ThrowsAllBusyWithAtCapacityCount()
    {
        var vps = await VpsAsync();
        await IpAsync(vps);
        await IpAsync(vps);
        var allocator = Allocator(new IpAllocationOptions { MaxAssignmentsPerIp = 1 });
        await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()));
        await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()));

        var ex = await Assert.ThrowsAsync<IpPoolExhaustedException>(async () => await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync())));

        Assert.Equal(IpPoolExhaustionReason.AllBusy, ex.Reason);
        Assert.Equal(2, ex.AtCapacityCount);
        Assert.Equal(0, ex.LockedCount);
        Assert.Contains("every eligible IP is busy", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VpsInstanceStatus.Provisioning)]
    [InlineData(VpsInstanceStatus.ScheduledDecommission)]
    public async Task AllocateAsync_IpOnlyOnInactiveVps_ThrowsNoEligibleIp(VpsInstanceStatus vpsStatus)
    {
        await IpAsync(await VpsAsync(status: vpsStatus));

        var ex = await Assert.ThrowsAsync<IpPoolExhaustedException>(async () => await Allocator().AllocateAsync(new IpAllocationRequest(await DomainAsync())));

        Assert.Equal(IpPoolExhaustionReason.NoEligibleIp, ex.Reason);
        Assert.Equal(1, ex.Excluded[IpIneligibility.VpsNotActive]);
    }

    [Fact]
    public async Task AllocateAsync_CriticalOrQuarantinedIps_ThrowsNoEligibleIpNamingEachReason()
    {
        var vps = await VpsAsync();
        await IpAsync(vps, reputation: ReputationState.Critical);
        await IpAsync(vps, SmtpIpAddressStatus.Quarantined);

        var ex = await Assert.ThrowsAsync<IpPoolExhaustedException>(async () => await Allocator().AllocateAsync(new IpAllocationRequest(await DomainAsync())));

        Assert.Equal(IpPoolExhaustionReason.NoEligibleIp, ex.Reason);
        Assert.Equal(1, ex.ConsideredCount); // quarantined is not an assignable status, so it is not even loaded
        Assert.Equal(1, ex.Excluded[IpIneligibility.ExcludedReputation]);
    }

    [Fact]
    public async Task AllocateAsync_DefaultDuration_SetsExpiresFromTheClock()
    {
        await IpAsync(await VpsAsync());
        var now = Store.Clock.GetUtcNow();

        var allocation = await Allocator(new IpAllocationOptions { DefaultAssignmentDuration = TimeSpan.FromDays(30) })
            .AllocateAsync(new IpAllocationRequest(await DomainAsync()));

        Assert.Equal(now.AddDays(30), allocation.Assignment.Expires);
    }

    [Fact]
    public async Task AllocateAsync_ExpiresNotAfterNow_ThrowsValidationAndWritesNothing()
    {
        var ip = await IpAsync(await VpsAsync());
        var domain = await DomainAsync();

        await Assert.ThrowsAsync<EntityValidationException>(() => Allocator().AllocateAsync(new IpAllocationRequest(domain) { Expires = Store.Clock.GetUtcNow() }));

        Assert.Empty(await AllAssignmentsAsync());
        Assert.Equal(0, (await ReadIpAsync(ip.Id)).AssignedCount);
    }

    [Fact]
    public async Task AllocateAsync_InCallerUnitRolledBack_LeavesNothing()
    {
        var ip = await IpAsync(await VpsAsync());
        var domain = await DomainAsync();
        var allocator = Allocator();
        await using (var unit = await allocator.UnitOfWork.BeginAsync())
        {
            var allocation = await allocator.AllocateAsync(unit, new IpAllocationRequest(domain));
            Assert.Equal(1, allocation.Ip.AssignedCount);
            await unit.RollbackAsync();
        }

        Assert.Empty(await AllAssignmentsAsync());
        var read = await ReadIpAsync(ip.Id);
        Assert.Equal((0, SmtpIpAddressStatus.Available), (read.AssignedCount, read.Status));
    }

    [Fact]
    public async Task AllocateAsync_ExcludedVpsAndOnlyIps_AreHonoured()
    {
        var a = await VpsAsync();
        var b = await VpsAsync();
        var ipA = await IpAsync(a);
        var ipB1 = await IpAsync(b);
        var ipB2 = await IpAsync(b);
        var allocator = Allocator();

        var notA = await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { ExcludeVpsInstances = [a.Id], ExcludeIps = [ipB1.Id] });
        var onlyA = await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()) { OnlyIps = [ipA.Id] });

        Assert.Equal(ipB2.Id, notA.Ip.Id);
        Assert.Equal(ipA.Id, onlyA.Ip.Id);
    }

    [Fact]
    public async Task AllocateAsync_64ConcurrentCallers_NoIpOverMaximumAndLedgerMatchesStore()
    {
        const int Callers = 64;
        const int Max = 4;
        var vpss = new[] { await VpsAsync("r1"), await VpsAsync("r2"), await VpsAsync("r2") };
        foreach (var v in vpss)
        {
            for (var i = 0; i < 4; i++)
            {
                await IpAsync(v);
            }
        }

        const int Capacity = 3 * 4 * Max; // 48 slots for 64 callers
        var domains = new List<DomainId>();
        for (var i = 0; i < 48; i++)
        {
            domains.Add(await DomainAsync());
        }

        var allocator = Allocator(new IpAllocationOptions { MaxAssignmentsPerIp = Max });
        var ledger = new ConcurrentBag<IpAllocation>();
        var exhausted = new ConcurrentBag<IpPoolExhaustedException>();
        var conflicts = new ConcurrentBag<ConcurrencyConflictException>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, Callers).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            try
            {
                ledger.Add(await allocator.AllocateAsync(new IpAllocationRequest(domains[i % domains.Count])));
            }
            catch (IpPoolExhaustedException ex)
            {
                exhausted.Add(ex);
            }
            catch (ConcurrencyConflictException ex)
            {
                conflicts.Add(ex);
            }
        })).ToList();
        gate.SetResult();
        await Task.WhenAll(callers);

        Output?.WriteLine($"{Store.Kind}: {ledger.Count} allocated, {exhausted.Count} exhausted ({exhausted.Count(e => e.LockedCount > 0)} with locked IPs), {conflicts.Count} conflicts");

        // Every caller got an allocation or a typed error; nothing was over-assigned.
        Assert.Equal(Callers, ledger.Count + exhausted.Count + conflicts.Count);
        Assert.InRange(ledger.Count, 1, Capacity);
        Assert.All(exhausted, ex => Assert.Equal(IpPoolExhaustionReason.AllBusy, ex.Reason));
        var ips = await AllIpsAsync();
        Assert.All(ips, ip => Assert.InRange(ip.AssignedCount, 0, Max));
        await AssertCountsMatchAsync();

        // The ledger of acknowledged allocations is exactly what the store holds.
        var live = (await AllAssignmentsAsync()).Where(a => a.Status != DomainIpAssignmentStatus.Expired).ToList();
        Assert.Equal(ledger.Select(a => a.Assignment.Id).OrderBy(x => x.Value), live.Select(a => a.Id).OrderBy(x => x.Value));
        Assert.All(ips.Where(ip => ip.AssignedCount > 0), ip => Assert.Equal(SmtpIpAddressStatus.Assigned, ip.Status));

        // No slot leaked: serial allocations fill the pool to exactly its capacity, then report AllBusy at capacity.
        var serial = 0;
        while (true)
        {
            try
            {
                await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync()));
                serial++;
            }
            catch (IpPoolExhaustedException ex)
            {
                Assert.Equal(IpPoolExhaustionReason.AllBusy, ex.Reason);
                Assert.Equal(12, ex.AtCapacityCount);
                break;
            }
        }

        Assert.Equal(Capacity, ledger.Count + serial);
        await AssertCountsMatchAsync();
    }

    [Fact]
    public async Task AllocateAsync_WhileAnOpenUnitAllocatesForAnotherDomain_RunsAtOnceAndSkipsTheIpTheUnitHolds()
    {
        var vps = await VpsAsync();
        var first = await IpAsync(vps);
        var second = await IpAsync(vps);
        var allocator = Allocator(new IpAllocationOptions { SpreadAcrossVpsInstances = false, SpreadAcrossRegions = false });
        var unit = await allocator.UnitOfWork.BeginAsync();
        IpAllocation held, other;
        await using (unit)
        {
            held = await allocator.AllocateAsync(unit, new IpAllocationRequest(await DomainAsync()));

            // The unit holds its domain's lock and its IP's row: another domain's allocation neither waits for the
            // domain lock nor for the IP, it takes the next IP.
            other = await allocator.AllocateAsync(new IpAllocationRequest(await DomainAsync())).WaitAsync(TimeSpan.FromSeconds(30));
            await unit.CommitAsync();
        }

        Assert.Equal(new[] { first.Id, second.Id }.OrderBy(x => x.Value), new[] { held.Ip.Id, other.Ip.Id }.OrderBy(x => x.Value));
        Assert.Equal(1, (await ReadIpAsync(held.Ip.Id)).AssignedCount);
        Assert.Equal(1, (await ReadIpAsync(other.Ip.Id)).AssignedCount);
        await AssertCountsMatchAsync();
    }

    [Fact]
    public async Task AllocateAsync_ForADomainAnOpenUnitAllocatesFor_WaitsForTheUnitThenAllocates()
    {
        var vps = await VpsAsync();
        await IpAsync(vps);
        await IpAsync(vps);
        var domain = await DomainAsync();
        var allocator = Allocator();
        var unit = await allocator.UnitOfWork.BeginAsync();
        Task<IpAllocation> waiting;
        IpAllocation held;
        await using (unit)
        {
            held = await allocator.AllocateAsync(unit, new IpAllocationRequest(domain));

            waiting = allocator.AllocateAsync(new IpAllocationRequest(domain));
            await Task.Delay(100);
            Assert.False(waiting.IsCompleted);
            await unit.CommitAsync();
        }

        // After the unit's commit the domain holds an IP, so the second allocation takes the other one.
        var second = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(held.Ip.Id, second.Ip.Id);
        Assert.Equal(2, (await AllAssignmentsAsync()).Count(a => a.DomainId == domain));
    }

    [Fact]
    public async Task AllocateAsync_64ConcurrentCallersRetryingWhileIpsAreLocked_FillEveryFreeSlotThenReportTheMaximum()
    {
        // Concurrent allocations skip IPs other allocations hold (LockedCount > 0, transient); retried, they fill every
        // free slot, and only then is the pool busy because every IP is at the maximum.
        var vps = await VpsAsync();
        await IpAsync(vps);
        await IpAsync(vps);
        var allocator = Allocator(new IpAllocationOptions { MaxAssignmentsPerIp = 10 });
        var domains = new List<DomainId>();
        for (var i = 0; i < 64; i++)
        {
            domains.Add(await DomainAsync());
        }

        var lockedSeen = 0;
        var results = await Task.WhenAll(domains.Select(d => Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    await allocator.AllocateAsync(new IpAllocationRequest(d));
                    return (IpPoolExhaustedException?)null;
                }
                catch (IpPoolExhaustedException ex) when (ex.IsTransient)
                {
                    Assert.True(ex.LockedCount > 0);
                    Interlocked.Increment(ref lockedSeen);
                }
                catch (IpPoolExhaustedException ex)
                {
                    return ex;
                }
                catch (ConcurrencyConflictException ex) when (ex.IsTransient)
                {
                    // A transient conflict rolls the allocation back whole: retried like a busy pool.
                }
            }
        })));

        Output?.WriteLine($"{Store.Kind}: {results.Count(r => r is null)} allocated, {lockedSeen} retries on locked IPs");
        Assert.Equal(20, results.Count(r => r is null));
        Assert.All(results.OfType<IpPoolExhaustedException>(), ex => Assert.Equal((IpPoolExhaustionReason.AllBusy, 0, 2), (ex.Reason, ex.LockedCount, ex.AtCapacityCount)));
        await AssertCountsMatchAsync();
    }
}

public sealed class InMemoryIpAllocationTests : IpAllocationContract
{
    public InMemoryIpAllocationTests(ITestOutputHelper output) => Output = output;

    protected override bool UsesPostgres => false;
}

public sealed class InMemoryIpAllocationLogTests
{
    [Fact]
    public async Task AllocateAsync_AllocatedThenExhausted_LogsStableEventIds()
    {
        var store = new Testing.InMemoryInfraStore();
        var vpsRepo = new Testing.InMemoryVpsInstanceRepository(store);
        var vps = await vpsRepo.ChangeStatusAsync(await vpsRepo.AddAsync(new VpsInstance()), VpsInstanceStatus.Active);
        await new Testing.InMemorySmtpIpAddressRepository(store).AddAsync(new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.1" });
        var domain = DomainId.New();
        store.AddDomain(domain);
        var logger = new FakeLogger<Testing.InMemoryIpPoolAllocator>();
        var allocator = new Testing.InMemoryIpPoolAllocator(store, null, logger);

        await allocator.AllocateAsync(new IpAllocationRequest(domain));
        await Assert.ThrowsAsync<IpPoolExhaustedException>(() => allocator.AllocateAsync(new IpAllocationRequest(domain)));

        Assert.Equal(1, logger.Count(PenguinMailsInfraEventIds.IpAllocated));
        Assert.Equal(1, logger.Count(PenguinMailsInfraEventIds.IpPoolExhausted));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("192.0.2.1", StringComparison.Ordinal));
    }
}

public sealed class PostgresIpAllocationTests : IpAllocationContract
{
    public PostgresIpAllocationTests(ITestOutputHelper output) => Output = output;

    protected override bool UsesPostgres => true;
}
