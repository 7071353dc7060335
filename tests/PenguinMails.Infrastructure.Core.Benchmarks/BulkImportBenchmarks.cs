using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Dapper;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using NpgsqlTypes;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.SmtpIps;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// Bulk import of 10,000 IPs: the library's <c>BulkImportAsync</c> against a raw binary COPY of the same columns (the
/// floor), Dapper with one multi-row <c>INSERT ... SELECT FROM unnest(arrays)</c> (one statement, eleven array
/// parameters: what a performance-minded Dapper user on PostgreSQL writes) and EF Core 10 (<c>AddRange</c> +
/// <c>SaveChanges</c>, batched INSERTs). One import per iteration; the imported rows (no VPS) are deleted after each
/// iteration, outside the timing.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[InvocationCount(1)]
public class BulkImportBenchmarks
{
    private const int Count = 10_000;
    private NpgsqlDataSource _ds = null!;
    private NpgsqlSmtpIpAddressRepository _repo = null!;
    private PooledDbContextFactory<EfBenchContext> _ef = null!;
    private SmtpIpAddress[] _batch = [];

    [GlobalSetup]
    public void Setup()
    {
        BenchDatabase.EnsureSeededAsync().GetAwaiter().GetResult();
        _ds = BenchDatabase.CreateTuned();
        _repo = new NpgsqlSmtpIpAddressRepository(_ds);
        _ef = EfBenchContext.CreateFactory(_ds);
        _batch = Enumerable.Range(0, Count)
            .Select(i => new SmtpIpAddress
            {
                IpAddress = string.Create(CultureInfo.InvariantCulture, $"192.0.{i / 250}.{i % 250}"),
                ReputationState = ReputationState.Good,
                ApproximateCost = 2.5m,
                LastReputationCheck = DateTimeOffset.UtcNow,
            })
            .ToArray();
    }

    [IterationSetup]
    public void NewIds()
    {
        // Fresh primary keys for every import.
        for (var i = 0; i < _batch.Length; i++)
        {
            _batch[i] = _batch[i] with { Id = SmtpIpAddressId.New() };
        }
    }

    [IterationCleanup]
    public void DeleteImported()
    {
        using var cmd = _ds.CreateCommand("DELETE FROM smtp_ip_addresses WHERE vps_instance_id IS NULL");
        cmd.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public void Cleanup() => _ds.Dispose();

    [Benchmark(Baseline = true, Description = "Raw binary COPY (floor)")]
    [BenchmarkCategory("BulkImport10k")]
    public async Task<ulong> Bulk_Floor()
    {
        var now = DateTimeOffset.UtcNow;
        await using var conn = await _ds.OpenConnectionAsync();
        await using var importer = await conn.BeginBinaryImportAsync("COPY smtp_ip_addresses (" + Floor.Columns + ") FROM STDIN (FORMAT BINARY)");
        foreach (var v in _batch)
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(v.Id.Value, NpgsqlDbType.Uuid);
            await importer.WriteNullAsync();
            await importer.WriteAsync(v.IpAddress, NpgsqlDbType.Varchar);
            await importer.WriteAsync("available", NpgsqlDbType.Varchar);
            await importer.WriteAsync("good", NpgsqlDbType.Varchar);
            await importer.WriteAsync(v.ApproximateCost!.Value, NpgsqlDbType.Numeric);
            await importer.WriteAsync(v.LastReputationCheck!.Value, NpgsqlDbType.TimestampTz);
            await importer.WriteAsync(v.AssignedCount, NpgsqlDbType.Integer);
            await importer.WriteNullAsync();
            await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            await importer.WriteAsync(now, NpgsqlDbType.TimestampTz);
        }

        return await importer.CompleteAsync();
    }

    [Benchmark(Description = "Library BulkImportAsync")]
    [BenchmarkCategory("BulkImport10k")]
    public Task<int> Bulk_Library() => _repo.BulkImportAsync(_batch);

    [Benchmark(Description = "Dapper 2.1.66 (INSERT ... unnest)")]
    [BenchmarkCategory("BulkImport10k")]
    public async Task<int> Bulk_Dapper()
    {
        var now = DateTimeOffset.UtcNow;
        var n = _batch.Length;
        var ids = new Guid[n];
        var addresses = new string[n];
        var costs = new decimal?[n];
        var checks = new DateTimeOffset?[n];
        var counts = new int[n];
        for (var i = 0; i < n; i++)
        {
            var v = _batch[i];
            ids[i] = v.Id.Value;
            addresses[i] = v.IpAddress;
            costs[i] = v.ApproximateCost;
            checks[i] = v.LastReputationCheck;
            counts[i] = v.AssignedCount;
        }

        await using var conn = await _ds.OpenConnectionAsync();
        return await conn.ExecuteAsync(
            "INSERT INTO smtp_ip_addresses (id, ip_address, status, reputation_state, approximate_cost, last_reputation_check, "
            + "assigned_count, created, updated) SELECT t.id, t.ip, 'available', 'good', t.cost, t.checked_at, t.assigned, @now, @now "
            + "FROM unnest(@ids, @addresses, @costs, @checks, @counts) AS t(id, ip, cost, checked_at, assigned)",
            new { ids, addresses, costs, checks, counts, now });
    }

    [Benchmark(Description = "EF Core 10 (AddRange + SaveChanges)")]
    [BenchmarkCategory("BulkImport10k")]
    public async Task<int> Bulk_EfCore()
    {
        var now = DateTimeOffset.UtcNow;
        await using var ctx = _ef.CreateDbContext();
        ctx.Ips.AddRange(_batch.Select(v => EfIpRow.From(v, now)));
        return await ctx.SaveChangesAsync();
    }
}
