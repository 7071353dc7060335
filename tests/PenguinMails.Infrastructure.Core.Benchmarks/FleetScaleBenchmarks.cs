using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Npgsql;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Postgres;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// IP-pool operations on PostgreSQL at fleet scale (<see cref="FleetDatabase"/>): one allocation beside the hand-written
/// floor (<see cref="FloorAllocateAsync"/>), in a transaction rolled back so every invocation sees the same fleet, and
/// the tenant cost report. Rotation is in <see cref="FleetRotationBenchmarks"/>.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[BenchmarkCategory("FleetScale")]
public class FleetScaleBenchmarks
{
    // The floor: the ranked pick a person would write by hand for the default policy, served by the same index, then
    // the two writes. No holdings spread, no request filters: the least an allocation can cost.
    private const string FloorPick =
        "SELECT ip.id, ip.status FROM smtp_ip_addresses ip JOIN vps_instances v ON v.id = ip.vps_instance_id AND v.status = 'active' "
        + "WHERE ip.status IN ('available', 'assigned', 'warming', 'warmed') AND COALESCE(ip.assigned_count, 0) < 10 "
        + "AND (ip.reputation_state IS NULL OR ip.reputation_state <> 'critical') "
        + "AND NOT EXISTS (SELECT 1 FROM domain_ip_assignments a WHERE a.domain_id = $1 AND a.smtp_ip_address_id = ip.id AND a.status <> 'expired') "
        + "ORDER BY CASE ip.status WHEN 'warmed' THEN 0 WHEN 'assigned' THEN 1 WHEN 'available' THEN 2 WHEN 'warming' THEN 3 ELSE 4 END, "
        + "CASE ip.reputation_state WHEN 'good' THEN 0 WHEN 'fair' THEN 1 WHEN 'poor' THEN 3 WHEN 'critical' THEN 4 ELSE 2 END, "
        + "COALESCE(ip.assigned_count, 0), ip.id LIMIT 1 FOR UPDATE OF ip SKIP LOCKED";

    private const string FloorInsert =
        "INSERT INTO domain_ip_assignments (domain_id, smtp_ip_address_id, status, warmup_state) VALUES ($1, $2, 'active', 'unwarmed')";

    private const string FloorCount =
        "UPDATE smtp_ip_addresses SET assigned_count = COALESCE(assigned_count, 0) + 1, "
        + "status = CASE WHEN status IN ('available', 'warmed') THEN 'assigned' ELSE status END WHERE id = $1";

    private NpgsqlDataSource _dataSource = null!;
    private NpgsqlIpPoolAllocator _allocator = null!;
    private NpgsqlTenantCostReport _report = null!;
    private int _next;

    /// <summary>The fleet's size.</summary>
    [Params(1_000, 10_000, 50_000)]
    public int Ips { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var cs = FleetDatabase.EnsureAsync(Ips).GetAwaiter().GetResult();
        _dataSource = FleetDatabase.Open(cs);
        _allocator = new NpgsqlIpPoolAllocator(_dataSource);
        _report = new NpgsqlTenantCostReport(_dataSource);
    }

    [GlobalCleanup]
    public void Cleanup() => _dataSource.Dispose();

    /// <summary>The hand-written floor: lock the domain, the ranked pick, the two writes; rolled back.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("FleetScale", "FleetAllocate")]
    public Task<Guid> FloorAllocateAsync() => FloorAsync(_dataSource, NextDomain(), commit: false);

    /// <summary>
    /// The floor's allocation for <paramref name="domain"/> on its own connection and transaction, committed or rolled
    /// back; shared with the load run.
    /// </summary>
    internal static async Task<Guid> FloorAsync(NpgsqlDataSource dataSource, Guid domain, bool commit)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var lockDomain = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, $2)", connection, tx))
        {
            lockDomain.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 0x504D4950 });
            lockDomain.Parameters.Add(new NpgsqlParameter<int> { TypedValue = domain.GetHashCode() });
            await lockDomain.ExecuteNonQueryAsync();
        }

        Guid ip;
        await using (var pick = new NpgsqlCommand(FloorPick, connection, tx))
        {
            pick.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = domain });
            await using var reader = await pick.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                throw new InvalidOperationException("the floor found no IP");
            }

            ip = reader.GetGuid(0);
        }

        await using (var insert = new NpgsqlCommand(FloorInsert, connection, tx))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = domain });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = ip });
            await insert.ExecuteNonQueryAsync();
        }

        await using (var count = new NpgsqlCommand(FloorCount, connection, tx))
        {
            count.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = ip });
            await count.ExecuteNonQueryAsync();
        }

        if (commit)
        {
            await tx.CommitAsync();
        }
        else
        {
            await tx.RollbackAsync();
        }

        return ip;
    }

    /// <summary>The library's allocation for a domain holding two IPs, in a unit of work rolled back.</summary>
    [Benchmark]
    [BenchmarkCategory("FleetScale", "FleetAllocate")]
    public async Task<Guid> LibraryAllocateAsync()
    {
        var unit = await _allocator.UnitOfWork.BeginAsync();
        await using (unit)
        {
            var allocation = await _allocator.AllocateAsync(unit, new IpAllocationRequest(new DomainId(NextDomain())));
            await unit.RollbackAsync();
            return allocation.Ip.Id.Value;
        }
    }

    /// <summary>The tenant cost report over the whole fleet.</summary>
    [Benchmark]
    [BenchmarkCategory("FleetScale", "FleetCostReport")]
    public async Task<int> CostReportAsync() => (await _report.GetMonthlyCostsAsync()).Count;

    private Guid NextDomain() => FleetDatabase.BaseDomain(_next++ % (Ips / 4));
}

/// <summary>
/// Rotation of 1,000 due assignments (500 of them their domain's last in force, so 500 replacements), one batch of
/// 1,000, on fleets of every size. The due rows are put back before each iteration (not measured).
/// </summary>
[BenchmarkCategory("FleetScale", "FleetRotate")]
[InvocationCount(1)]
public class FleetRotationBenchmarks
{
    private NpgsqlDataSource _dataSource = null!;
    private IpRotationService _rotation = null!;

    /// <summary>The fleet's size.</summary>
    [Params(1_000, 10_000, 50_000)]
    public int Ips { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var cs = FleetDatabase.EnsureAsync(Ips).GetAwaiter().GetResult();
        _dataSource = FleetDatabase.Open(cs);
        _rotation = new IpRotationService(new NpgsqlIpPoolAllocator(_dataSource), new IpRotationOptions { BatchSize = 1_000 });
    }

    [GlobalCleanup]
    public void Cleanup() => _dataSource.Dispose();

    [IterationSetup]
    public void Reset() => FleetDatabase.ResetRotationAsync(_dataSource, Ips).GetAwaiter().GetResult();

    /// <summary>One rotation call: 1,000 due, 500 replaced, 500 expired.</summary>
    [Benchmark]
    public async Task<int> RotateThousandDueAsync()
    {
        var result = await _rotation.RotateAsync();
        if (result.ExpiredCount != 1_000 || result.ReplacedCount != FleetDatabase.RotationDomains)
        {
            throw new InvalidOperationException($"expected 1,000 expired and 500 replaced, got {result.ExpiredCount} and {result.ReplacedCount} ({result.KeptCount} kept)");
        }

        return result.ExpiredCount;
    }
}
