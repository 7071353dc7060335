using System.Data;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Dapper;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// The SMTP IP repository against the raw Npgsql floor (baseline of each category) and Dapper, on one data source
/// with the floor's settings (Max Auto Prepare=32, No Reset On Close=true, as the package's own data source).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SmtpIpBenchmarks
{
    private NpgsqlDataSource _ds = null!;
    private NpgsqlSmtpIpAddressRepository _repo = null!;
    private (Guid Id, Guid Vps)[] _ids = [];
    private Guid[] _vpsIds = [];
    private int _next;
    private int _nextVps;
    private int _inserted;

    // Compare-and-set: each method flips its own row between available and assigned (both moves are allowed).
    private SmtpIpAddress _libraryCurrent = null!;
    private SmtpIpAddress _floorCurrent = null!;

    // Synchronous wrappers: the in-process toolchain of BenchmarkDotNet 0.14 does not await an async setup.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        await BenchDatabase.EnsureSeededAsync();
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        _ds = BenchDatabase.CreateTuned();
        _repo = new NpgsqlSmtpIpAddressRepository(_ds);
        _ids = await BenchDatabase.LoadIdsAsync(_ds);
        _vpsIds = _ids.Select(x => x.Vps).Distinct().ToArray();
        _libraryCurrent = (await _repo.GetAsync(new SmtpIpAddressId(_ids[0].Id)))!;
        _floorCurrent = (await _repo.GetAsync(new SmtpIpAddressId(_ids[1].Id)))!;
    }

    private async Task CleanupAsync()
    {
        await using (var cmd = _ds.CreateCommand("DELETE FROM smtp_ip_addresses WHERE vps_instance_id IS NULL"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        await _ds.DisposeAsync();
    }

    private Guid NextId() => _ids[_next++ % _ids.Length].Id;

    private Guid NextVps() => _vpsIds[_nextVps++ % _vpsIds.Length];

    // ---- get by id --------------------------------------------------------------------------------------------

    [Benchmark(Baseline = true, Description = "Raw Npgsql (floor)")]
    [BenchmarkCategory("GetById")]
    public async Task<SmtpIpAddress?> GetById_Floor()
    {
        await using var conn = await _ds.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(Floor.SelectById, conn);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = NextId() });
        await using var r = await cmd.ExecuteReaderAsync(CommandBehavior.SingleRow);
        return await r.ReadAsync() ? Floor.Read(r) : null;
    }

    [Benchmark(Description = "Library repository")]
    [BenchmarkCategory("GetById")]
    public Task<SmtpIpAddress?> GetById_Library() => _repo.GetAsync(new SmtpIpAddressId(NextId()));

    [Benchmark(Description = "Dapper 2.1.66")]
    [BenchmarkCategory("GetById")]
    public async Task<SmtpIpAddress?> GetById_Dapper()
    {
        await using var conn = await _ds.OpenConnectionAsync();
        var row = await conn.QuerySingleOrDefaultAsync<DapperIpRow>(
            "SELECT " + Floor.Columns + " FROM smtp_ip_addresses WHERE id = @id", new { id = NextId() });
        return row?.ToEntity();
    }

    // ---- list the ~100 IPs of one VPS --------------------------------------------------------------------------

    [Benchmark(Baseline = true, Description = "Raw Npgsql (floor)")]
    [BenchmarkCategory("ListByVps")]
    public async Task<List<SmtpIpAddress>> ListByVps_Floor()
    {
        await using var conn = await _ds.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(Floor.ListByVps, conn);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = NextVps() });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 101 }); // a page of 100 and one to see if there is more, as the library
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<SmtpIpAddress>(101);
        while (await r.ReadAsync())
        {
            list.Add(Floor.Read(r));
        }

        return list;
    }

    [Benchmark(Description = "Library repository")]
    [BenchmarkCategory("ListByVps")]
    public Task<Page<SmtpIpAddress>> ListByVps_Library() =>
        _repo.ListAsync(new SmtpIpAddressFilter(new VpsInstanceId(NextVps())), PageRequest.First);

    [Benchmark(Description = "Dapper 2.1.66")]
    [BenchmarkCategory("ListByVps")]
    public async Task<List<SmtpIpAddress>> ListByVps_Dapper()
    {
        await using var conn = await _ds.OpenConnectionAsync();
        var rows = await conn.QueryAsync<DapperIpRow>(
            "SELECT " + Floor.Columns + " FROM smtp_ip_addresses WHERE vps_instance_id = @vps ORDER BY id LIMIT @limit",
            new { vps = NextVps(), limit = 101 });
        return rows.Select(x => x.ToEntity()).ToList();
    }

    // ---- compare-and-set status update ------------------------------------------------------------------------

    [Benchmark(Baseline = true, Description = "Raw Npgsql (floor)")]
    [BenchmarkCategory("ChangeStatus")]
    public async Task<SmtpIpAddress> ChangeStatus_Floor()
    {
        var current = _floorCurrent;
        var next = current.Status == SmtpIpAddressStatus.Available ? SmtpIpAddressStatus.Assigned : SmtpIpAddressStatus.Available;
        await using var conn = await _ds.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(Floor.ChangeStatus, conn);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = current.Id.Value });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Floor.StatusText(next) });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = DateTimeOffset.UtcNow });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Floor.StatusText(current.Status) });
        await using var r = await cmd.ExecuteReaderAsync(CommandBehavior.SingleRow);
        if (!await r.ReadAsync())
        {
            throw new InvalidOperationException("lost the compare-and-set");
        }

        return _floorCurrent = Floor.Read(r);
    }

    [Benchmark(Description = "Library repository")]
    [BenchmarkCategory("ChangeStatus")]
    public async Task<SmtpIpAddress> ChangeStatus_Library()
    {
        var current = _libraryCurrent;
        var next = current.Status == SmtpIpAddressStatus.Available ? SmtpIpAddressStatus.Assigned : SmtpIpAddressStatus.Available;
        return _libraryCurrent = await _repo.ChangeStatusAsync(current, next);
    }

    // ---- insert one IP (rows without a VPS; deleted at cleanup) -----------------------------------------------

    [Benchmark(Baseline = true, Description = "Raw Npgsql (floor)")]
    [BenchmarkCategory("InsertOne")]
    public async Task<SmtpIpAddress> InsertOne_Floor()
    {
        var now = DateTimeOffset.UtcNow;
        await using var conn = await _ds.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(Floor.Insert, conn);
        var p = cmd.Parameters;
        p.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
        p.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        p.Add(new NpgsqlParameter<string> { TypedValue = NextAddress() });
        p.Add(new NpgsqlParameter<string> { TypedValue = "available" });
        p.Add(new NpgsqlParameter<string> { TypedValue = "good" });
        p.Add(new NpgsqlParameter<decimal> { TypedValue = 2.5m });
        p.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter<int> { TypedValue = 0 });
        p.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
        p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await using var r = await cmd.ExecuteReaderAsync(CommandBehavior.SingleRow);
        await r.ReadAsync();
        return Floor.Read(r);
    }

    [Benchmark(Description = "Library repository")]
    [BenchmarkCategory("InsertOne")]
    public Task<SmtpIpAddress> InsertOne_Library() =>
        _repo.AddAsync(new SmtpIpAddress { IpAddress = NextAddress(), ReputationState = ReputationState.Good, ApproximateCost = 2.5m });

    private string NextAddress()
    {
        var n = Interlocked.Increment(ref _inserted);
        return string.Create(CultureInfo.InvariantCulture, $"172.{16 + ((n >> 16) & 15)}.{(n >> 8) & 255}.{n & 255}");
    }
}
