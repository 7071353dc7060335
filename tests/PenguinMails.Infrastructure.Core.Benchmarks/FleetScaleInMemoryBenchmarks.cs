using Microsoft.Extensions.Time.Testing;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// The in-memory store's operations at fleet scale: 1,000, 10,000 and 50,000 IPs (90 % in an assignable status, one
/// live assignment per two IPs, on IPs/20 VPS instances in four regions), each operation at each size, so that one run
/// gives the growth from 1,000 to 50,000 rows per operation. The store is seeded once per case through the seed API;
/// writes are undone within the operation (a row inserted and deleted, an allocation rolled back, the rotation's state
/// restored from a snapshot first).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("FleetScale", "FleetScaleInMemory")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByMethod)]
[CategoriesColumn]
public class FleetScaleInMemoryBenchmarks
{
    private const int Due = 1000;
    private static readonly string[] Regions = ["us-east", "us-west", "eu-central", "ap-south"];
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private InMemoryInfraStore _store = null!;
    private InMemoryStoreSnapshot _seeded = null!;
    private InMemorySmtpIpAddressRepository _ips = null!;
    private InMemoryDomainIpAssignmentRepository _assignments = null!;
    private InMemoryIpPoolAllocator _allocator = null!;
    private IpRotationService _rotation = null!;
    private InMemoryTenantCostReport _costs = null!;
    private SmtpIpAddressId[] _ipIds = [];
    private PageRequest _middle = null!;
    private DomainId _holder;
    private DomainId _fresh;
    private SmtpIpAddressId _insertIp;
    private int _next;

    [Params(1_000, 10_000, 50_000)]
    public int Ips { get; set; }

    /// <summary>The seeded store (for the in-memory load run).</summary>
    internal InMemoryInfraStore Store => _store;

    /// <summary>The allocator over <see cref="Store"/>.</summary>
    internal InMemoryIpPoolAllocator Allocator => _allocator;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var clock = new FakeTimeProvider(Start);
        _store = new InMemoryInfraStore(clock) { LockTimeout = TimeSpan.FromMinutes(1) };
        var seed = _store.Seed;
        var rng = new Random(17);
        var tenants = Enumerable.Range(0, Math.Max(1, Ips / 100)).Select(_ => seed.Tenant()).ToArray();
        var vps = Enumerable
            .Range(0, Math.Max(1, Ips / 20))
            .Select(i => seed.Vps(like: new VpsInstance { Region = Regions[i % Regions.Length], MonthlyCost = 20m + (i % 7) }))
            .ToArray();
        _ips = new InMemorySmtpIpAddressRepository(_store);
        _assignments = new InMemoryDomainIpAssignmentRepository(_store);
        var ips = new SmtpIpAddress[Ips];
        var reputations = new ReputationState?[] { ReputationState.Good, ReputationState.Good, ReputationState.Fair, null, ReputationState.Poor };
        for (var i = 0; i < Ips; i++)
        {
            var live = i % 2 == 0;
            var status = i % 10 == 9 ? SmtpIpAddressStatus.Degraded
                : live ? SmtpIpAddressStatus.Assigned
                : i % 3 == 0 ? SmtpIpAddressStatus.Warmed
                : SmtpIpAddressStatus.Available;
            ips[i] = seed.SmtpIp(vps[rng.Next(vps.Length)], status, new SmtpIpAddress { IpAddress = string.Create(CultureInfo.InvariantCulture, $"10.{(i >> 16) & 0xFF}.{(i >> 8) & 0xFF}.{i & 0xFF}"), ReputationState = reputations[rng.Next(reputations.Length)], ApproximateCost = 3m });
        }

        // One live assignment on every second IP, each for its own domain.
        var holders = new List<DomainId>();
        for (var i = 0; i < Ips; i += 2)
        {
            if (ips[i].Status != SmtpIpAddressStatus.Assigned)
            {
                continue;
            }

            var domain = seed.Domain(tenants[rng.Next(tenants.Length)]);
            seed.Assignment(ips[i], domain);
            ips[i] = await _ips.AdjustAssignedCountAsync(ips[i].Id, 1);
            holders.Add(domain);
        }

        // 1,000 assignments due an hour from the start: half the only assignment of their domain (rotation replaces
        // it), half on a domain that holds a live assignment besides (rotation only expires it).
        for (var d = 0; d < Due; d++)
        {
            var at = (d * 7 + 1) % Ips;
            at = ips[at].IsAssignable ? at : (at + 1) % Ips;
            var domain = d % 2 == 0 ? seed.Domain(tenants[rng.Next(tenants.Length)]) : holders[d % holders.Count];
            seed.Assignment(ips[at], domain, expires: Start.AddHours(1));
            ips[at] = await _ips.AdjustAssignedCountAsync(ips[at].Id, 1);
        }

        clock.SetUtcNow(Start.AddHours(2));
        _ipIds = [.. ips.Select(ip => ip.Id).OrderBy(_ => rng.Next())];
        _holder = holders[holders.Count / 2];
        _fresh = seed.Domain(tenants[0]);
        _insertIp = ips.First(ip => ip.IsAssignable).Id;
        _seeded = _store.Snapshot();

        // The page request that resumes halfway through a walk of every IP, 100 at a time.
        _middle = PageRequest.First with { Limit = 100 };
        for (var walked = 0; walked < Ips / 2; walked += 100)
        {
            var page = await _ips.ListAsync(null, _middle);
            _middle = _middle with { ContinuationToken = page.ContinuationToken };
        }

        _allocator = new InMemoryIpPoolAllocator(_store);
        _rotation = new IpRotationService(_allocator, new IpRotationOptions { BatchSize = Due }, clock);
        _costs = new InMemoryTenantCostReport(_store);
    }

    [Benchmark(Description = "GetAsync by id")]
    public Task<SmtpIpAddress?> GetById() => _ips.GetAsync(_ipIds[_next++ % _ipIds.Length]);

    [Benchmark(Description = "ListAsync, the page of 100 halfway through a walk")]
    public Task<Page<SmtpIpAddress>> ListPageMidWalk() => _ips.ListAsync(null, _middle);

    [Benchmark(Description = "CountAsync by status")]
    public Task<long> CountByStatus() => _ips.CountAsync(new SmtpIpAddressFilter(Status: SmtpIpAddressStatus.Assigned));

    [Benchmark(Description = "assignment AddAsync + DeleteAsync")]
    public async Task<bool> AssignmentInsertAndDelete()
    {
        var added = await _assignments.AddAsync(new DomainIpAssignment { DomainId = _fresh, SmtpIpAddressId = _insertIp });
        return await _assignments.DeleteAsync(added.Id);
    }

    [Benchmark(Description = "AllocateAsync in a unit rolled back")]
    public async Task<IpAllocation> AllocateRolledBack()
    {
        var unit = await _allocator.UnitOfWork.BeginAsync();
        await using (unit)
        {
            var allocation = await _allocator.AllocateAsync(unit, new IpAllocationRequest(_holder));
            await unit.RollbackAsync();
            return allocation;
        }
    }

    [Benchmark(Description = "RotateAsync, 1,000 due (500 replaced)")]
    public async Task<IpRotationResult> Rotate1000Due()
    {
        _store.Restore(_seeded);
        var result = await _rotation.RotateAsync();
        if (result.ReplacedCount != Due / 2 || result.ExpiredCount != Due)
        {
            throw new InvalidOperationException($"expected {Due} expired and {Due / 2} replaced, got {result.ExpiredCount} and {result.ReplacedCount}");
        }

        return result;
    }

    [Benchmark(Description = "tenant cost report (every row)")]
    public Task<IReadOnlyList<TenantMonthlyCost>> CostReport() => _costs.GetMonthlyCostsAsync();
}
