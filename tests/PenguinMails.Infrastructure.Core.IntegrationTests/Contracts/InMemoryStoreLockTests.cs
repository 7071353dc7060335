using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>
/// The in-memory store's write locks, one per group of tables joined by foreign keys: a forgotten unit of work fails a
/// writer of the same tables clearly instead of hanging it, and never holds up writers of other tables.
/// </summary>
public sealed class InMemoryStoreLockTests
{
    private static FeatureFlag NewFlag() => new() { Key = "lock-" + Guid.NewGuid().ToString("N")[..12], RolloutPercentage = 10 };

    [Fact]
    public async Task WriteOutsideAnOpenUnit_ToTheTablesItWrote_AfterLockTimeout_ThrowsTransientConflict()
    {
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromMilliseconds(200) };
        var repo = new InMemoryVpsInstanceRepository(store);
        await using var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();
        await uow.VpsInstances.AddAsync(new VpsInstance());

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => repo.AddAsync(new VpsInstance()));

        Assert.True(ex.IsTransient);
        Assert.Contains("unit of work", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IpPools", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritesOutsideAnOpenUnit_ToOtherTablesAndHostIds_ProceedAtOnce()
    {
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromMilliseconds(200) };
        await using var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();
        await uow.VpsInstances.AddAsync(new VpsInstance());
        var user = UserId.New();

        store.AddUser(user);
        var flag = await new InMemoryFeatureFlagRepository(store).AddAsync(NewFlag() with { UpdatedBy = user });

        Assert.Equal(user, flag.UpdatedBy);
        Assert.Equal(0, await new InMemoryVpsInstanceRepository(store).CountAsync());
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
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromSeconds(5) };
        var repo = new InMemoryVpsInstanceRepository(store);
        var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();
        await uow.VpsInstances.AddAsync(new VpsInstance());

        var write = repo.AddAsync(new VpsInstance());
        await Task.Delay(50);
        Assert.False(write.IsCompleted);
        await uow.DisposeAsync();

        Assert.Equal(VpsInstanceStatus.Provisioning, (await write).Status);
        Assert.Equal(1, await repo.CountAsync());
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
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromMinutes(1) };
        var factory = new InMemoryInfraUnitOfWorkFactory(store);
        var first = await factory.BeginAsync();
        var second = await factory.BeginAsync();
        await first.VpsInstances.AddAsync(new VpsInstance());
        await second.FeatureFlags.AddAsync(NewFlag());

        // first waits for flags (second holds them); second then waits for VPS instances (first holds them).
        var firstWaits = first.FeatureFlags.AddAsync(NewFlag());
        Assert.False(firstWaits.IsCompleted);
        var deadlock = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => second.VpsInstances.AddAsync(new VpsInstance()));
        await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => second.FeatureFlags.CountAsync());
        await second.DisposeAsync();
        await firstWaits.WaitAsync(TimeSpan.FromSeconds(30));
        await first.CommitAsync();
        await first.DisposeAsync();

        Assert.True(deadlock.IsTransient);
        Assert.Contains("deadlock", deadlock.Message, StringComparison.Ordinal);
        Assert.Equal(1, await new InMemoryVpsInstanceRepository(store).CountAsync());
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
    public async Task UnitsTakingGroupsInEitherOrder_RetriedOnDeadlock_CommitEachExactlyOnce()
    {
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromSeconds(30) };
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
                        // Half the workers take VPS instances first, half flags first: they can wait for each other.
                        if (worker % 2 == 0)
                        {
                            await unit.VpsInstances.AddAsync(new VpsInstance { Region = region });
                            await Task.Yield();
                            await unit.FeatureFlags.AddAsync(NewFlag() with { Description = region });
                        }
                        else
                        {
                            await unit.FeatureFlags.AddAsync(NewFlag() with { Description = region });
                            await Task.Yield();
                            await unit.VpsInstances.AddAsync(new VpsInstance { Region = region });
                        }

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

        // Every unit committed once, whole: as many VPS instances as flags, one of each per unit, none from a retry.
        var vps = new InMemoryVpsInstanceRepository(store);
        Assert.Equal(4 * UnitsPerWorker, await vps.CountAsync());
        Assert.Equal(4 * UnitsPerWorker, await new InMemoryFeatureFlagRepository(store).CountAsync());
        for (var worker = 0; worker < 4; worker++)
        {
            for (var i = 0; i < UnitsPerWorker; i++)
            {
                Assert.Equal(1, await vps.CountAsync(new VpsInstanceFilter(Region: $"w{worker}-{i}")));
            }
        }
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
