using System.Diagnostics;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>The counters every store records the same way, run on PostgreSQL and in memory; the spans on PostgreSQL.</summary>
public abstract class TelemetryContract : IAsyncLifetime
{
    private const string Transitions = PenguinMailsInfraTelemetry.StatusTransitionsCounter;
    private const string Conflicts = PenguinMailsInfraTelemetry.ConcurrencyConflictsCounter;

    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    protected static VpsInstance NewVps() =>
        new()
        {
            HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N"),
            IpAddress = "198.51.100.7",
            Region = "r-" + Guid.NewGuid().ToString("N")[..12],
            MonthlyCost = 49.99m,
            HostwindsBillingDay = 15,
        };

    private static int s_nextAddress;

    /// <summary>An IP on <paramref name="vps"/> with an address no other test of the class uses.</summary>
    protected static SmtpIpAddress NewIp(VpsInstanceId vps)
    {
        var n = Interlocked.Increment(ref s_nextAddress);
        return new() { VpsInstanceId = vps, IpAddress = $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}", ApproximateCost = 2.5m };
    }

    [Fact]
    public async Task ChangeStatusAsync_Succeeds_CountsOneTransitionTaggedWithEntityFromAndTo()
    {
        var vps = await Store.VpsInstances.AddAsync(NewVps());
        using var capture = new TelemetryCapture();

        var active = await Store.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Active);
        await Store.VpsInstances.ChangeStatusAsync(active, VpsInstanceStatus.ScheduledDecommission);

        var from = VpsInstanceStatus.Provisioning.ToDatabaseValue();
        var to = VpsInstanceStatus.Active.ToDatabaseValue();
        Assert.Equal(2, capture.Sum(Transitions));
        Assert.Equal(1, capture.Sum(Transitions, ("entity", nameof(VpsInstance)), ("from", from), ("to", to)));
        Assert.Equal(1, capture.Sum(Transitions, ("from", to), ("to", VpsInstanceStatus.ScheduledDecommission.ToDatabaseValue())));
        Assert.Equal(0, capture.Sum(Conflicts));
    }

    [Fact]
    public async Task ChangeStatusAsync_LostRace_CountsOneConflictAndNoTransition()
    {
        var vps = await Store.VpsInstances.AddAsync(NewVps());
        await Store.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Active);
        using var capture = new TelemetryCapture();

        // The stale snapshot still says provisioning: the other writer won.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Active));

        Assert.Equal(1, capture.Sum(Conflicts, ("entity", nameof(VpsInstance))));
        Assert.Equal(0, capture.Sum(Transitions));
    }

    [Fact]
    public async Task ChangeWarmupStateAsync_SucceedsThenLosesARace_CountsOneTransitionAndOneConflict()
    {
        var vps = await Store.VpsInstances.AddAsync(NewVps());
        var ip = await Store.SmtpIpAddresses.AddAsync(NewIp(vps.Id));
        var domain = DomainId.New();
        await Store.AddDomainAsync(domain);
        var assignment = await Store.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });
        using var capture = new TelemetryCapture();

        await Store.DomainIpAssignments.ChangeWarmupStateAsync(assignment, WarmupState.Warming);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.DomainIpAssignments.ChangeWarmupStateAsync(assignment, WarmupState.Warming));

        Assert.Equal(1, capture.Sum(Transitions));
        Assert.Equal(
            1,
            capture.Sum(Transitions, ("entity", "DomainIpAssignment.WarmupState"), ("from", WarmupState.Unwarmed.ToDatabaseValue()), ("to", WarmupState.Warming.ToDatabaseValue())));
        Assert.Equal(1, capture.Sum(Conflicts, ("entity", nameof(DomainIpAssignment))));
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_CountsOneConflict()
    {
        var vps = await Store.VpsInstances.AddAsync(NewVps());
        await Store.VpsInstances.UpdateAsync(vps with { Region = "r-" + Guid.NewGuid().ToString("N")[..12] });
        using var capture = new TelemetryCapture();

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.VpsInstances.UpdateAsync(vps with { MonthlyCost = 1m }));

        Assert.Equal(1, capture.Sum(Conflicts, ("entity", nameof(VpsInstance))));
    }
}

public sealed class InMemoryTelemetryTests : TelemetryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());

    [Fact]
    public async Task Repository_InMemory_StartsNoSpan()
    {
        using var capture = new TelemetryCapture();

        await Store.VpsInstances.AddAsync(NewVps());

        Assert.Empty(capture.Spans);
    }
}

public sealed class PostgresTelemetryTests(PostgresContractDatabase database) : TelemetryContract, IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));

    [Fact]
    public async Task AddAsync_OnPostgres_StartsOneClientSpanPerStatementWithDatabaseTags()
    {
        using var capture = new TelemetryCapture();

        var vps = await Store.VpsInstances.AddAsync(NewVps());
        await Store.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Active);

        Assert.Equal(["VpsInstance INSERT", "VpsInstance UPDATE"], capture.Spans.Select(s => s.DisplayName));
        var insert = capture.Spans[0];
        Assert.Equal(ActivityKind.Client, insert.Kind);
        Assert.Equal(ActivityStatusCode.Unset, insert.Status);
        Assert.Equal("postgresql", insert.GetTagItem("db.system.name"));
        Assert.Equal("INSERT", insert.GetTagItem("db.operation.name"));
        Assert.Equal("public.vps_instances", insert.GetTagItem("db.collection.name"));
        Assert.Equal("UPDATE", capture.Spans[1].GetTagItem("db.operation.name"));
    }

    [Fact]
    public async Task AddAsync_Duplicate_EndsTheSpanWithErrorStatusAndExceptionType()
    {
        var vps = await Store.VpsInstances.AddAsync(NewVps());
        using var capture = new TelemetryCapture();

        await Assert.ThrowsAsync<DuplicateEntityException>(() => Store.VpsInstances.AddAsync(NewVps() with { Id = vps.Id }));

        var span = Assert.Single(capture.Spans, s => s.DisplayName == "VpsInstance INSERT");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(nameof(DuplicateEntityException), span.StatusDescription);
        Assert.Equal(typeof(DuplicateEntityException).FullName, span.GetTagItem("error.type"));
    }
}
