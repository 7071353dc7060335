using System.Globalization;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>
/// Reads that the in-memory store serves from secondary indexes (by VPS instance, status, domain, IP; the unique live
/// (domain, IP) key), held against PostgreSQL: the index must follow every write, rollback and delete, and a page must
/// resume after its token even when the token's row is gone or no longer matches.
/// </summary>
public abstract class IndexedReadsContract : IAsyncLifetime
{
    private static int _address;
    private IContractStore? _store;

    private IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [Fact]
    public async Task ListAsync_TokenRowDeletedOrChangedBetweenPages_ResumesAfterTheToken()
    {
        var vps = await NewVpsAsync();
        var ips = new List<SmtpIpAddress>();
        for (var i = 0; i < 9; i++)
        {
            ips.Add(await Store.SmtpIpAddresses.AddAsync(NewIp(vps)));
        }

        var order = ips.OrderBy(ip => ip.Id.Value.ToString()).ToList();
        var byVps = new SmtpIpAddressFilter(VpsInstanceId: vps);
        var first = await Store.SmtpIpAddresses.ListAsync(byVps, new PageRequest(3));
        Assert.Equal(order.Take(3).Select(ip => ip.Id), first.Items.Select(ip => ip.Id));

        // The token's row is deleted, and the next row leaves the filtered status.
        Assert.True(await Store.SmtpIpAddresses.DeleteAsync(order[2].Id));
        await Store.SmtpIpAddresses.ChangeStatusAsync(order[3], SmtpIpAddressStatus.Warming);
        var rest = await Store.SmtpIpAddresses.ListAsync(byVps, new PageRequest(10, first.ContinuationToken));
        var available = await Store.SmtpIpAddresses.ListAsync(byVps with { Status = SmtpIpAddressStatus.Available }, new PageRequest(10, first.ContinuationToken));

        Assert.Equal(order.Skip(3).Select(ip => ip.Id), rest.Items.Select(ip => ip.Id));
        Assert.Equal(order.Skip(4).Select(ip => ip.Id), available.Items.Select(ip => ip.Id));
        Assert.Null(rest.ContinuationToken);
    }

    [Fact]
    public async Task CountAndList_ByStatus_FollowStatusChangesRollbacksAndDeletes()
    {
        var vps = await NewVpsAsync();
        var before = await Store.SmtpIpAddresses.CountAsync(new SmtpIpAddressFilter(Status: SmtpIpAddressStatus.Warming));
        var ip = await Store.SmtpIpAddresses.AddAsync(NewIp(vps));
        var warming = await Store.SmtpIpAddresses.ChangeStatusAsync(ip, SmtpIpAddressStatus.Warming);
        Assert.Equal(before + 1, await Store.SmtpIpAddresses.CountAsync(new SmtpIpAddressFilter(Status: SmtpIpAddressStatus.Warming)));

        var unit = await Store.UnitOfWork.BeginAsync();
        await using (unit)
        {
            await unit.SmtpIpAddresses.ChangeStatusAsync(warming, SmtpIpAddressStatus.Warmed);
            Assert.Equal(before, await unit.SmtpIpAddresses.CountAsync(new SmtpIpAddressFilter(Status: SmtpIpAddressStatus.Warming)));
            Assert.Equal([ip.Id], (await unit.SmtpIpAddresses.ListAsync(new SmtpIpAddressFilter(vps, SmtpIpAddressStatus.Warmed))).Items.Select(x => x.Id));
            await unit.RollbackAsync();
        }

        Assert.Equal(before + 1, await Store.SmtpIpAddresses.CountAsync(new SmtpIpAddressFilter(Status: SmtpIpAddressStatus.Warming)));
        Assert.Empty((await Store.SmtpIpAddresses.ListAsync(new SmtpIpAddressFilter(vps, SmtpIpAddressStatus.Warmed))).Items);
        Assert.True(await Store.SmtpIpAddresses.DeleteAsync(ip.Id));
        Assert.Equal(before, await Store.SmtpIpAddresses.CountAsync(new SmtpIpAddressFilter(Status: SmtpIpAddressStatus.Warming)));
    }

    [Fact]
    public async Task GetByAddressAsync_AfterTheIpMovesToAnotherVps_FindsItThereOnly()
    {
        var from = await NewVpsAsync();
        var to = await NewVpsAsync();
        var ip = await Store.SmtpIpAddresses.AddAsync(NewIp(from));

        var moved = await Store.SmtpIpAddresses.UpdateAsync(ip with { VpsInstanceId = to });

        Assert.Null(await Store.SmtpIpAddresses.GetByAddressAsync(from, ip.IpAddress));
        Assert.Equal(moved, await Store.SmtpIpAddresses.GetByAddressAsync(to, ip.IpAddress));
        Assert.Equal(0, await Store.SmtpIpAddresses.CountAsync(new SmtpIpAddressFilter(VpsInstanceId: from)));
        Assert.Equal([moved], (await Store.SmtpIpAddresses.ListAsync(new SmtpIpAddressFilter(VpsInstanceId: to))).Items);
    }

    [Fact]
    public async Task AddAsync_AfterTheLiveAssignmentIsDeletedOrExpiredInAUnit_FollowsTheUniqueKey()
    {
        var domain = DomainId.New();
        await Store.AddDomainAsync(domain);
        var ip = await Store.SmtpIpAddresses.AddAsync(NewIp(await NewVpsAsync()));
        var live = await Store.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });

        var unit = await Store.UnitOfWork.BeginAsync();
        await using (unit)
        {
            await unit.DomainIpAssignments.ChangeStatusAsync(live, DomainIpAssignmentStatus.Expired);
            await unit.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });
            await unit.RollbackAsync();
        }

        await Assert.ThrowsAsync<DuplicateEntityException>(() => Store.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id }));
        Assert.True(await Store.DomainIpAssignments.DeleteAsync(live.Id));
        var again = await Store.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });
        Assert.Equal([again], (await Store.DomainIpAssignments.ListAsync(new DomainIpAssignmentFilter(domain))).Items);
        Assert.Equal(1, await Store.DomainIpAssignments.CountAsync(new DomainIpAssignmentFilter(SmtpIpAddressId: ip.Id)));
    }

    private async Task<VpsInstanceId> NewVpsAsync() =>
        (await Store.VpsInstances.AddAsync(new VpsInstance { HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N"), Region = "us-east" })).Id;

    private static SmtpIpAddress NewIp(VpsInstanceId vps)
    {
        var n = Interlocked.Increment(ref _address);
        return new SmtpIpAddress { VpsInstanceId = vps, IpAddress = string.Create(CultureInfo.InvariantCulture, $"203.0.{(n >> 8) & 0xFF}.{n & 0xFF}") };
    }
}

public sealed class InMemoryIndexedReadsTests : IndexedReadsContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class PostgresIndexedReadsTests(PostgresContractDatabase database) : IndexedReadsContract, IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}
