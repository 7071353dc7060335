using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>
/// The in-memory store's write locks: rows (with their unique values and the rows their foreign keys point at) in the
/// IP-pool tables, one lock per group of tables in the others. A forgotten unit of work fails a writer of the same rows
/// clearly instead of hanging it, and never holds up writers of other rows or tables.
/// </summary>
public sealed class InMemoryStoreLockTests
{
    private static FeatureFlag NewFlag() => new() { Key = "lock-" + Guid.NewGuid().ToString("N")[..12], RolloutPercentage = 10 };

    private static async Task<(InMemoryInfraStore Store, SmtpIpAddress Ip)> StoreWithAnIpAsync(TimeSpan lockTimeout)
    {
        var store = new InMemoryInfraStore { LockTimeout = lockTimeout };
        var vps = await new InMemoryVpsInstanceRepository(store).AddAsync(new VpsInstance());
        var ip = await new InMemorySmtpIpAddressRepository(store).AddAsync(new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.1" });
        return (store, ip);
    }

    [Fact]
    public async Task WriteOutsideAnOpenUnit_ToARowItWrote_AfterLockTimeout_ThrowsTransientConflict()
    {
        var (store, ip) = await StoreWithAnIpAsync(TimeSpan.FromMilliseconds(200));
        await using var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();
        await uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => new InMemorySmtpIpAddressRepository(store).AdjustAssignedCountAsync(ip.Id, 1));

        Assert.True(ex.IsTransient);
        Assert.Contains("unit of work", ex.Message, StringComparison.Ordinal);
        Assert.Contains(SmtpIpAddress.TableName, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteOutsideAnOpenUnit_ToATableOfAGroupItWrote_AfterLockTimeout_ThrowsTransientConflict()
    {
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromMilliseconds(200) };
        await using var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();
        await uow.FeatureFlags.AddAsync(NewFlag());

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => new InMemoryFeatureFlagRepository(store).AddAsync(NewFlag()));

        Assert.True(ex.IsTransient);
        Assert.Contains("FeatureFlags", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritesOutsideAnOpenUnit_ToOtherRowsOfTheIpPoolTables_ProceedAtOnce()
    {
        var (store, ip) = await StoreWithAnIpAsync(TimeSpan.FromMilliseconds(200));
        var domain = DomainId.New();
        store.AddDomain(domain);
        await using var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();
        await uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
        await uow.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });

        // A new instance and IP, an update of the IP's instance, and a second assignment to the IP the unit holds
        // (a foreign key's share lock does not conflict with the unit's update of the row).
        var vpsRepo = new InMemoryVpsInstanceRepository(store);
        var other = await vpsRepo.AddAsync(new VpsInstance());
        await new InMemorySmtpIpAddressRepository(store).AddAsync(new SmtpIpAddress { VpsInstanceId = other.Id, IpAddress = "192.0.2.2" });
        var vps = (await vpsRepo.GetAsync(ip.VpsInstanceId!.Value))!;
        await vpsRepo.UpdateAsync(vps with { Region = "elsewhere" });
        var otherDomain = DomainId.New();
        store.AddDomain(otherDomain);
        await new InMemoryDomainIpAssignmentRepository(store).AddAsync(new DomainIpAssignment { DomainId = otherDomain, SmtpIpAddressId = ip.Id });

        await uow.CommitAsync();
        Assert.Equal(2, await new InMemoryDomainIpAssignmentRepository(store).CountAsync());
        Assert.Equal(1, (await new InMemorySmtpIpAddressRepository(store).GetAsync(ip.Id))!.AssignedCount);
        Assert.Equal("elsewhere", (await vpsRepo.GetAsync(vps.Id))!.Region);
    }

    [Fact]
    public async Task DeleteOutsideAnOpenUnit_OfARowTheUnitsInsertPointsAt_WaitsAndThenCascadesToIt()
    {
        var (store, ip) = await StoreWithAnIpAsync(TimeSpan.FromSeconds(5));
        var domain = DomainId.New();
        store.AddDomain(domain);
        var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();
        await uow.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });

        var delete = new InMemorySmtpIpAddressRepository(store).DeleteAsync(ip.Id);
        await Task.Delay(50);
        Assert.False(delete.IsCompleted);
        await uow.CommitAsync();
        await uow.DisposeAsync();

        Assert.True(await delete);
        Assert.Equal(0, await new InMemoryDomainIpAssignmentRepository(store).CountAsync());
    }

    [Fact]
    public async Task UnitThatOnlyRead_HoldsNoLock()
    {
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromMilliseconds(200) };
        var repo = new InMemoryVpsInstanceRepository(store);
        await using var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();
        Assert.Equal(0, await uow.VpsInstances.CountAsync());

        await repo.AddAsync(new VpsInstance());

        Assert.Equal(1, await uow.VpsInstances.CountAsync());
    }

    [Fact]
    public async Task WriteOutsideAUnit_AfterTheUnitEnds_Proceeds()
    {
        var (store, ip) = await StoreWithAnIpAsync(TimeSpan.FromSeconds(5));
        var repo = new InMemorySmtpIpAddressRepository(store);
        var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();
        await uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);

        var write = repo.AdjustAssignedCountAsync(ip.Id, 2);
        await Task.Delay(50);
        Assert.False(write.IsCompleted);
        await uow.DisposeAsync();

        Assert.Equal(2, (await write).AssignedCount);
        Assert.Equal(2, (await repo.GetAsync(ip.Id))!.AssignedCount);
    }

    [Fact]
    public async Task Clear_WaitsForEveryOpenUnitThatWrote()
    {
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromMilliseconds(200) };
        await using var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();
        await uow.FeatureFlags.AddAsync(NewFlag());

        var ex = Assert.Throws<ConcurrencyConflictException>(store.Clear);

        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task TwoUnitsWaitingForEachOther_TheSecondToWaitFailsAtOnceAsADeadlock_TheOtherCommitsOnceItEnds()
    {
        // A long timeout: the deadlock must be found when the cycle closes, not by waiting.
        var (store, ip) = await StoreWithAnIpAsync(TimeSpan.FromMinutes(1));
        store.LockTimeout = TimeSpan.FromMinutes(1);
        var factory = new InMemoryInfraUnitOfWorkFactory(store);
        var first = await factory.BeginAsync();
        var second = await factory.BeginAsync();
        await first.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
        await second.FeatureFlags.AddAsync(NewFlag());

        // first waits for flags (second holds them); second then waits for the IP's row (first holds it).
        var firstWaits = first.FeatureFlags.AddAsync(NewFlag());
        Assert.False(firstWaits.IsCompleted);
        var deadlock = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => second.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1));
        await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => second.FeatureFlags.CountAsync());
        await second.DisposeAsync();
        await firstWaits.WaitAsync(TimeSpan.FromSeconds(30));
        await first.CommitAsync();
        await first.DisposeAsync();

        Assert.True(deadlock.IsTransient);
        Assert.Contains("deadlock", deadlock.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await new InMemorySmtpIpAddressRepository(store).GetAsync(ip.Id))!.AssignedCount);
        Assert.Equal(1, await new InMemoryFeatureFlagRepository(store).CountAsync());
    }

    [Fact]
    public async Task ConcurrentUnitsAndAutoCommitWriters_OverSeveralGroups_KeepEveryCommittedRowAndNoRolledBackOne()
    {
        var store = new InMemoryInfraStore();
        var factory = new InMemoryInfraUnitOfWorkFactory(store);
        const int UnitsPerWorker = 150;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var units = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            await gate.Task;
            for (var i = 0; i < UnitsPerWorker; i++)
            {
                var unit = await factory.BeginAsync();
                await using (unit)
                {
                    // Always VPS instances before flags, so these units never wait for each other in a cycle.
                    await unit.VpsInstances.AddAsync(new VpsInstance { Region = i % 2 == 0 ? "kept" : "dropped" });
                    await unit.FeatureFlags.AddAsync(NewFlag() with { RolloutPercentage = i % 2 == 0 ? 1 : 2 });
                    if (i % 2 == 0)
                    {
                        await unit.CommitAsync();
                    }
                }
            }
        }));
        var writers = Enumerable.Range(0, 2).Select(worker => Task.Run(async () =>
        {
            await gate.Task;
            var config = new InMemorySystemConfigRepository(store);
            for (var i = 0; i < UnitsPerWorker; i++)
            {
                await config.AddAsync(SystemConfigEntry.Create($"lock.{worker}.{i}", i));
            }
        }));
        var all = units.Concat(writers).ToList();
        gate.SetResult();
        await Task.WhenAll(all);

        var committed = 4 * UnitsPerWorker / 2;
        Assert.Equal(committed, await new InMemoryVpsInstanceRepository(store).CountAsync(new VpsInstanceFilter(Region: "kept")));
        Assert.Equal(0, await new InMemoryVpsInstanceRepository(store).CountAsync(new VpsInstanceFilter(Region: "dropped")));
        Assert.Equal(committed, await new InMemoryFeatureFlagRepository(store).CountAsync());
        Assert.Equal(2 * UnitsPerWorker, await new InMemorySystemConfigRepository(store).CountAsync());
    }

    [Fact]
    public async Task UnitsTakingARowAndAGroupInEitherOrder_RetriedOnDeadlock_CommitEachExactlyOnce()
    {
        var (store, ip) = await StoreWithAnIpAsync(TimeSpan.FromSeconds(30));
        var factory = new InMemoryInfraUnitOfWorkFactory(store);
        const int UnitsPerWorker = 60;
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < UnitsPerWorker; i++)
            {
                var region = $"w{worker}-{i}";
                while (true)
                {
                    var unit = await factory.BeginAsync();
                    try
                    {
                        // Half the workers take the shared IP's row first, half the flags first: they can wait for each other.
                        if (worker % 2 == 0)
                        {
                            await unit.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
                            await Task.Yield();
                            await unit.FeatureFlags.AddAsync(NewFlag() with { Description = region });
                        }
                        else
                        {
                            await unit.FeatureFlags.AddAsync(NewFlag() with { Description = region });
                            await Task.Yield();
                            await unit.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
                        }

                        await unit.VpsInstances.AddAsync(new VpsInstance { Region = region });
                        await unit.CommitAsync();
                        break;
                    }
                    catch (ConcurrencyConflictException ex) when (ex.IsTransient)
                    {
                        // Two units waited for each other: this one was chosen as the deadlock's victim, and runs again.
                    }
                    finally
                    {
                        await unit.DisposeAsync();
                    }
                }
            }
        })).ToList();
        await Task.WhenAll(workers);

        // Every unit committed once, whole: one increment, one flag and one instance per unit, none lost, none from a retry.
        var vps = new InMemoryVpsInstanceRepository(store);
        Assert.Equal(4 * UnitsPerWorker, (await new InMemorySmtpIpAddressRepository(store).GetAsync(ip.Id))!.AssignedCount);
        Assert.Equal(4 * UnitsPerWorker, await new InMemoryFeatureFlagRepository(store).CountAsync());
        Assert.Equal(4 * UnitsPerWorker + 1, await vps.CountAsync());
        for (var worker = 0; worker < 4; worker++)
        {
            for (var i = 0; i < UnitsPerWorker; i++)
            {
                Assert.Equal(1, await vps.CountAsync(new VpsInstanceFilter(Region: $"w{worker}-{i}")));
            }
        }
    }

    [Fact]
    public async Task ConcurrentAllocationsAndReleases_WithRollbacks_KeepEveryCountEqualToItsLiveAssignments()
    {
        // Row locks, the domain lock and SKIP LOCKED under contention: 4 allocating workers over 6 domains (so some
        // wait for a domain, most run at once), a third of their units rolled back, and a worker that expires live
        // assignments and gives their slots back in units of its own. Nothing may be lost or counted twice.
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromSeconds(30) };
        var vpsRepo = new InMemoryVpsInstanceRepository(store);
        var vps = await vpsRepo.ChangeStatusAsync(await vpsRepo.AddAsync(new VpsInstance()), VpsInstanceStatus.Active);
        var ipRepo = new InMemorySmtpIpAddressRepository(store);
        for (var i = 0; i < 8; i++)
        {
            await ipRepo.AddAsync(new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = $"192.0.2.{i + 1}", ReputationState = ReputationState.Good });
        }

        var domains = Enumerable.Range(0, 6).Select(_ => DomainId.New()).ToArray();
        foreach (var d in domains)
        {
            store.AddDomain(d);
        }

        var allocator = new InMemoryIpPoolAllocator(store, new IpAllocationOptions { MaxAssignmentsPerIp = 3 });
        var stop = new CancellationTokenSource();
        var allocators = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var rng = new Random(worker);
            for (var i = 0; i < 100; i++)
            {
                var unit = await allocator.UnitOfWork.BeginAsync();
                await using (unit)
                {
                    try
                    {
                        await allocator.AllocateAsync(unit, new IpAllocationRequest(domains[rng.Next(domains.Length)]));
                        await Task.Yield();
                        if (i % 3 != 0)
                        {
                            await unit.CommitAsync();
                        }
                    }
                    catch (IpPoolExhaustedException)
                    {
                        // Every IP the domain may take is full or held: the unit writes nothing.
                    }
                }
            }
        })).ToList();
        var releaser = Task.Run(async () =>
        {
            var factory = new InMemoryInfraUnitOfWorkFactory(store);
            while (!stop.IsCancellationRequested)
            {
                var unit = await factory.BeginAsync();
                await using (unit)
                {
                    var live = (await unit.DomainIpAssignments.ListAsync(new DomainIpAssignmentFilter(Status: DomainIpAssignmentStatus.Active), new PageRequest(5))).Items;
                    try
                    {
                        foreach (var a in live.Take(2))
                        {
                            await unit.DomainIpAssignments.ChangeStatusAsync(a, DomainIpAssignmentStatus.Expired);
                            await unit.SmtpIpAddresses.AdjustAssignedCountAsync(a.SmtpIpAddressId!.Value, -1);
                        }

                        await unit.CommitAsync();
                    }
                    catch (ConcurrencyConflictException)
                    {
                        // Expired by a concurrent release since it was read: give this batch up.
                    }
                }

                await Task.Yield();
            }
        });
        await Task.WhenAll(allocators);
        await stop.CancelAsync();
        await releaser;

        var assignments = await new InMemoryDomainIpAssignmentRepository(store).ListAsync(null, new PageRequest(1000));
        var liveByIp = assignments.Items.Where(a => a.Status != DomainIpAssignmentStatus.Expired).GroupBy(a => a.SmtpIpAddressId!.Value).ToDictionary(g => g.Key, g => g.Count());
        var ips = (await ipRepo.ListAsync(null, new PageRequest(100))).Items;
        Assert.Contains(assignments.Items, a => a.Status == DomainIpAssignmentStatus.Expired);
        Assert.All(ips, ip => Assert.Equal(liveByIp.GetValueOrDefault(ip.Id), ip.AssignedCount));
        Assert.All(ips, ip => Assert.InRange(ip.AssignedCount, 0, 3));
        Assert.Equal(
            assignments.Items.Count(a => a.Status != DomainIpAssignmentStatus.Expired),
            assignments.Items.Where(a => a.Status != DomainIpAssignmentStatus.Expired).Select(a => (a.DomainId, a.SmtpIpAddressId)).Distinct().Count()
        );
    }

    [Fact]
    public async Task WaitersForOneLock_AreServedInArrivalOrder_SoAUnitAskingAfterARelease_WaitsBehindTheWaiter()
    {
        var (store, ip) = await StoreWithAnIpAsync(TimeSpan.FromSeconds(30));
        var factory = new InMemoryInfraUnitOfWorkFactory(store);
        var first = await factory.BeginAsync();
        await first.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
        var second = await factory.BeginAsync();
        var secondWaits = second.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
        Assert.False(secondWaits.IsCompleted);

        // The lock is free for a moment after the first unit ends: the third unit, asking right then, still queues behind.
        await first.CommitAsync();
        await first.DisposeAsync();
        var third = await factory.BeginAsync();
        var thirdWaits = third.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
        Assert.Equal(2, (await secondWaits.WaitAsync(TimeSpan.FromSeconds(30))).AssignedCount);
        await Task.Delay(50);
        Assert.False(thirdWaits.IsCompleted);
        await second.CommitAsync();
        await second.DisposeAsync();
        Assert.Equal(3, (await thirdWaits.WaitAsync(TimeSpan.FromSeconds(30))).AssignedCount);
        await third.CommitAsync();
        await third.DisposeAsync();
    }

    [Fact]
    public async Task UnitEndedWhileWaitingForSeveralLocks_GrantedOneAfterItsEndThenTimedOut_LeavesNoLockBehind()
    {
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromMilliseconds(300) };
        var r1 = new LockNeed(LockResource.Row(SmtpIpAddress.TableName, Guid.NewGuid()), LockMode.Update);
        var r2 = new LockNeed(LockResource.Row(SmtpIpAddress.TableName, Guid.NewGuid()), LockMode.Update);
        var a = new UnitOfWorkSession(store);
        var b = new UnitOfWorkSession(store);
        var c = new UnitOfWorkSession(store);
        await a.LockAsync([r1], default);
        await c.LockAsync([r2], default);

        // b waits for r1 then r2 (as a rotation batch locks its IPs), is ended from another flow, is granted r1 once a
        // ends, and times out on r2.
        var waiting = b.LockAsync([r1, r2], default);
        Assert.False(waiting.IsCompleted);
        b.End();
        store.End(b, commit: false);
        a.End();
        store.End(a, commit: false);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => waiting);
        c.End();
        store.End(c, commit: false);

        var d = new UnitOfWorkSession(store);
        Assert.True(d.TryLock(r1));
        Assert.True(d.TryLock(r2));
    }

    [Fact]
    public async Task UnitDisposedWhileAWriteWaits_TheWriteFailsAndLeavesNoLockBehind()
    {
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromSeconds(5) };
        var factory = new InMemoryInfraUnitOfWorkFactory(store);
        var holder = await factory.BeginAsync();
        await holder.SystemConfigs.AddAsync(SystemConfigEntry.Create("lock.a", 1));
        var waiter = await factory.BeginAsync();
        var waiting = waiter.SystemConfigs.AddAsync(SystemConfigEntry.Create("lock.b", 2));
        Assert.False(waiting.IsCompleted);

        await waiter.DisposeAsync();
        await holder.CommitAsync();
        await holder.DisposeAsync();

        await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => waiting);
        var config = new InMemorySystemConfigRepository(store);
        await config.AddAsync(SystemConfigEntry.Create("lock.c", 3)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, await config.CountAsync());
    }
}
