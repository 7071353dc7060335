using Microsoft.Extensions.Time.Testing;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.IpPools;

/// <summary>
/// One store under the IP pool policy tests: the repositories the policies work on, the tenant cost report, host
/// rows and the clock. PostgreSQL (the class's database) or in memory (a new store per test).
/// </summary>
public interface IPoliciesStore : IAsyncDisposable
{
    string Kind { get; }

    FakeTimeProvider Clock { get; }

    IVpsInstanceRepository VpsInstances { get; }

    ISmtpIpAddressRepository SmtpIpAddresses { get; }

    IDomainIpAssignmentRepository DomainIpAssignments { get; }

    ITenantCostReport CostReport { get; }

    Task AddDomainAsync(DomainId id, TenantId? tenant);

    /// <summary>Empties the tables the policies read (the PostgreSQL database is shared by the tests of one class).</summary>
    Task ResetAsync();
}

public sealed class InMemoryPoliciesStore : IPoliciesStore
{
    private readonly InMemoryInfraStore _store;

    public InMemoryPoliciesStore()
    {
        _store = new InMemoryInfraStore(Clock);
        VpsInstances = new InMemoryVpsInstanceRepository(_store);
        SmtpIpAddresses = new InMemorySmtpIpAddressRepository(_store);
        DomainIpAssignments = new InMemoryDomainIpAssignmentRepository(_store);
        CostReport = new InMemoryTenantCostReport(_store);
    }

    public string Kind => "in-memory";

    public FakeTimeProvider Clock { get; } = ContractClock.Create();

    public IVpsInstanceRepository VpsInstances { get; }

    public ISmtpIpAddressRepository SmtpIpAddresses { get; }

    public IDomainIpAssignmentRepository DomainIpAssignments { get; }

    public ITenantCostReport CostReport { get; }

    public Task AddDomainAsync(DomainId id, TenantId? tenant)
    {
        if (tenant is { } t)
        {
            _store.AddTenant(t);
        }

        _store.AddDomain(id, tenant);
        return Task.CompletedTask;
    }

    public Task ResetAsync()
    {
        _store.Clear();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class PostgresPoliciesStore : IPoliciesStore
{
    private readonly PostgresContractStore _inner;
    private readonly PostgresContractDatabase _database;

    public PostgresPoliciesStore(PostgresContractDatabase database)
    {
        _database = database;
        _inner = new PostgresContractStore(database);
        CostReport = new NpgsqlTenantCostReport(database.DataSource, SchemaName.Default, _inner.Clock);
    }

    public string Kind => "postgres";

    public FakeTimeProvider Clock => _inner.Clock;

    public IVpsInstanceRepository VpsInstances => _inner.VpsInstances;

    public ISmtpIpAddressRepository SmtpIpAddresses => _inner.SmtpIpAddresses;

    public IDomainIpAssignmentRepository DomainIpAssignments => _inner.DomainIpAssignments;

    public ITenantCostReport CostReport { get; }

    public async Task AddDomainAsync(DomainId id, TenantId? tenant)
    {
        if (tenant is { } t)
        {
            await _inner.AddTenantAsync(t);
        }

        await _inner.AddDomainAsync(id, tenant);
    }

    public async Task ResetAsync()
    {
        await using var command = _database.DataSource.CreateCommand(
            "TRUNCATE domain_ip_assignments, smtp_ip_addresses, vps_instances, domains, tenants CASCADE");
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}

/// <summary>Builders the policy contract classes share.</summary>
public abstract class PoliciesContractBase : IAsyncLifetime
{
    private static int _nextAddress;

    private IPoliciesStore? _store;

    /// <summary>The instant every test starts at, on both stores, so results compare exactly.</summary>
    protected static readonly DateTimeOffset Start = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    protected IPoliciesStore Store => _store ?? throw new InvalidOperationException("not initialized");

    public async Task InitializeAsync()
    {
        _store = CreateStore();
        await _store.ResetAsync();
        _store.Clock.SetUtcNow(Start);
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    protected abstract IPoliciesStore CreateStore();

    protected static string NextAddress()
    {
        var n = Interlocked.Increment(ref _nextAddress);
        return $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
    }

    protected Task<VpsInstance> AddVpsAsync(decimal? monthlyCost = null, decimal? approximateCost = null) =>
        Store.VpsInstances.AddAsync(new VpsInstance
        {
            HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N"),
            Region = "us-east",
            MonthlyCost = monthlyCost,
            ApproximateCost = approximateCost,
        });

    /// <summary>Adds an IP and moves it to <paramref name="status"/> along the lifecycle.</summary>
    protected async Task<SmtpIpAddress> AddIpAsync(VpsInstanceId? vps, SmtpIpAddressStatus status = SmtpIpAddressStatus.Available, decimal? cost = null)
    {
        var ip = await Store.SmtpIpAddresses.AddAsync(new SmtpIpAddress { VpsInstanceId = vps, IpAddress = NextAddress(), ApproximateCost = cost });
        SmtpIpAddressStatus[] path = status switch
        {
            SmtpIpAddressStatus.Available => [],
            SmtpIpAddressStatus.Assigned => [SmtpIpAddressStatus.Assigned],
            SmtpIpAddressStatus.Warming => [SmtpIpAddressStatus.Warming],
            SmtpIpAddressStatus.Warmed => [SmtpIpAddressStatus.Warming, SmtpIpAddressStatus.Warmed],
            SmtpIpAddressStatus.Degraded => [SmtpIpAddressStatus.Warming, SmtpIpAddressStatus.Degraded],
            SmtpIpAddressStatus.Quarantined => [SmtpIpAddressStatus.Quarantined],
            _ => [SmtpIpAddressStatus.Burned],
        };
        foreach (var step in path)
        {
            ip = await Store.SmtpIpAddresses.ChangeStatusAsync(ip, step);
        }

        return ip;
    }

    /// <summary>Adds a domain of <paramref name="tenant"/> and its assignment to <paramref name="ip"/>, moved to <paramref name="status"/>.</summary>
    protected async Task<DomainIpAssignment> AssignAsync(
        SmtpIpAddress ip,
        TenantId? tenant,
        DomainIpAssignmentStatus status = DomainIpAssignmentStatus.Active,
        WarmupState warmup = WarmupState.Unwarmed,
        DateTimeOffset? expires = null)
    {
        var domain = DomainId.New();
        await Store.AddDomainAsync(domain, tenant);
        var a = await Store.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id, Expires = expires });
        if (status != DomainIpAssignmentStatus.Scheduled)
        {
            a = await Store.DomainIpAssignments.ChangeStatusAsync(a, status);
        }

        if (warmup is WarmupState.Warming or WarmupState.Warmed)
        {
            a = await Store.DomainIpAssignments.ChangeWarmupStateAsync(a, WarmupState.Warming);
        }

        if (warmup == WarmupState.Warmed)
        {
            a = await Store.DomainIpAssignments.ChangeWarmupStateAsync(a, WarmupState.Warmed);
        }

        return a;
    }
}
