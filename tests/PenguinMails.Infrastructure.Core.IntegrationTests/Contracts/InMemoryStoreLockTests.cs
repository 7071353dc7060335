using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>The in-memory store's one write lock: a forgotten unit of work fails a writer clearly instead of hanging it.</summary>
public sealed class InMemoryStoreLockTests
{
    [Fact]
    public async Task WriteOutsideAnOpenUnit_AfterLockTimeout_ThrowsTransientConflict()
    {
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromMilliseconds(200) };
        var repo = new InMemoryVpsInstanceRepository(store);
        await using var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => repo.AddAsync(new VpsInstance()));
        var host = Assert.Throws<ConcurrencyConflictException>(() => store.AddUser(UserId.New()));

        Assert.True(ex.IsTransient);
        Assert.Contains("unit of work", ex.Message, StringComparison.Ordinal);
        Assert.True(host.IsTransient);
    }

    [Fact]
    public async Task WriteOutsideAUnit_AfterTheUnitEnds_Proceeds()
    {
        var store = new InMemoryInfraStore { LockTimeout = TimeSpan.FromSeconds(5) };
        var repo = new InMemoryVpsInstanceRepository(store);
        var uow = await new InMemoryInfraUnitOfWorkFactory(store).BeginAsync();

        var write = repo.AddAsync(new VpsInstance());
        await Task.Delay(50);
        Assert.False(write.IsCompleted);
        await uow.DisposeAsync();

        Assert.Equal(VpsInstanceStatus.Provisioning, (await write).Status);
    }
}
