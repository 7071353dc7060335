using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.IpPools;

/// <summary>
/// The store and builders the IP pool contracts share. Every test gets a store of its own (on PostgreSQL a fresh
/// database), because pool-wide outcomes (exhaustion, counts) must not see other tests' IPs.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes the store and database through IAsyncLifetime.DisposeAsync.")]
public abstract class IpPoolContractBase : IAsyncLifetime
{
    private IContractStore? _store;
    private PostgresContractDatabase? _database;
    private int _ipCounter;

    /// <summary>Where a test writes figures worth reading in the test log, or null.</summary>
    protected Xunit.Abstractions.ITestOutputHelper? Output { get; init; }

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    protected abstract bool UsesPostgres { get; }

    public async Task InitializeAsync()
    {
        if (UsesPostgres)
        {
            _database = new PostgresContractDatabase();
            await _database.InitializeAsync();
            _store = new PostgresContractStore(_database);
        }
        else
        {
            _store = new InMemoryContractStore();
        }
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected IIpPoolAllocator Allocator(IpAllocationOptions? options = null) =>
        Store is InMemoryContractStore memory
            ? new InMemoryIpPoolAllocator(memory.Backing, options)
            : new NpgsqlIpPoolAllocator(_database!.DataSource, options, SchemaName.Default, Store.Clock);

    protected async Task<VpsInstance> VpsAsync(string? region = "us-east", VpsInstanceStatus status = VpsInstanceStatus.Active, int? billingDay = 15)
    {
        var vps = await Store.VpsInstances.AddAsync(new VpsInstance { HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N"), Region = region, HostwindsBillingDay = billingDay });
        if (status == VpsInstanceStatus.Provisioning)
        {
            return vps;
        }

        vps = await Store.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Active);
        return status == VpsInstanceStatus.ScheduledDecommission ? await Store.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.ScheduledDecommission) : vps;
    }

    protected async Task<SmtpIpAddress> IpAsync(VpsInstance vps, SmtpIpAddressStatus status = SmtpIpAddressStatus.Available, ReputationState? reputation = ReputationState.Good)
    {
        var n = Interlocked.Increment(ref _ipCounter);
        var ip = await Store.SmtpIpAddresses.AddAsync(new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = $"10.{n / 65536 % 256}.{n / 256 % 256}.{n % 256}" });
        if (reputation is not null)
        {
            ip = await Store.SmtpIpAddresses.UpdateAsync(ip with { ReputationState = reputation });
        }

        SmtpIpAddressStatus[] path = status switch
        {
            SmtpIpAddressStatus.Available => [],
            SmtpIpAddressStatus.Warming => [SmtpIpAddressStatus.Warming],
            SmtpIpAddressStatus.Warmed => [SmtpIpAddressStatus.Warming, SmtpIpAddressStatus.Warmed],
            SmtpIpAddressStatus.Degraded => [SmtpIpAddressStatus.Warming, SmtpIpAddressStatus.Degraded],
            _ => [status],
        };
        foreach (var next in path)
        {
            ip = await Store.SmtpIpAddresses.ChangeStatusAsync(ip, next);
        }

        return ip;
    }

    protected async Task<DomainId> DomainAsync()
    {
        var domain = DomainId.New();
        await Store.AddDomainAsync(domain);
        return domain;
    }

    protected async Task<SmtpIpAddress> ReadIpAsync(SmtpIpAddressId id) => (await Store.SmtpIpAddresses.GetAsync(id))!;

    protected async Task<List<DomainIpAssignment>> AllAssignmentsAsync()
    {
        var all = new List<DomainIpAssignment>();
        PageRequest? page = new(1000);
        while (page is not null)
        {
            var result = await Store.DomainIpAssignments.ListAsync(null, page);
            all.AddRange(result.Items);
            page = result.ContinuationToken is { } token ? page with { ContinuationToken = token } : null;
        }

        return all;
    }

    protected async Task<List<SmtpIpAddress>> AllIpsAsync()
    {
        var all = new List<SmtpIpAddress>();
        PageRequest? page = new(1000);
        while (page is not null)
        {
            var result = await Store.SmtpIpAddresses.ListAsync(null, page);
            all.AddRange(result.Items);
            page = result.ContinuationToken is { } token ? page with { ContinuationToken = token } : null;
        }

        return all;
    }

    /// <summary>Every IP's assigned_count equals its non-expired assignments, and no (domain, IP) pair is held twice.</summary>
    protected async Task AssertCountsMatchAsync()
    {
        var live = (await AllAssignmentsAsync()).Where(a => a.Status != DomainIpAssignmentStatus.Expired).ToList();
        foreach (var ip in await AllIpsAsync())
        {
            Assert.Equal(live.Count(a => a.SmtpIpAddressId == ip.Id), ip.AssignedCount);
        }

        Assert.Equal(live.Count, live.Select(a => (a.DomainId, a.SmtpIpAddressId)).Distinct().Count());
    }
}
