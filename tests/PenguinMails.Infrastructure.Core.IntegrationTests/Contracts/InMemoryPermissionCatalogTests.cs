using Microsoft.Extensions.Time.Testing;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.Testing;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>How the in-memory store seeds the well-known catalog (migration 0007's rows), beyond the shared contract.</summary>
public sealed class InMemoryPermissionCatalogTests
{
    [Fact]
    public async Task NewStore_HasTheCatalogStampedWithTheClockOfTheFirstRead()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        var repo = new InMemoryPermissionRepository(new InMemoryInfraStore(clock));

        var first = await repo.GetAsync(new PermissionId(1));
        clock.Advance(TimeSpan.FromHours(1));
        var again = await repo.GetAsync(new PermissionId(1));

        Assert.Equal(WellKnownPermissions.All.Count, await repo.CountAsync());
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), first!.Created);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task DeletingSeededRows_Sticks_AndClearReturnsToTheCatalog()
    {
        var store = new InMemoryInfraStore(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var repo = new InMemoryPermissionRepository(store);
        foreach (var known in WellKnownPermissions.All)
        {
            Assert.True(await repo.DeleteAsync(new PermissionId(known.Id)));
        }

        Assert.Equal(0, await repo.CountAsync());
        Assert.Null(await repo.GetByNameAsync(WellKnownPermissions.StaffManage));

        store.Clear();

        Assert.Equal(WellKnownPermissions.All.Count, await repo.CountAsync());
        Assert.NotNull(await repo.GetByNameAsync(WellKnownPermissions.StaffManage));
    }

    [Fact]
    public async Task Stores_AreIndependent()
    {
        var a = new InMemoryPermissionRepository(new InMemoryInfraStore(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))));
        var b = new InMemoryPermissionRepository(new InMemoryInfraStore(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))));

        await a.DeleteAsync(new PermissionId(1));
        await a.AddAsync(new Permission { Id = new PermissionId(1000), Name = "app.only" });

        Assert.Null(await a.GetAsync(new PermissionId(1)));
        Assert.NotNull(await b.GetAsync(new PermissionId(1)));
        Assert.Null(await b.GetAsync(new PermissionId(1000)));
    }
}
