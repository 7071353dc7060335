using System.Data;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// The SMTP IP repository against the raw Npgsql floor (baseline of each category), Dapper and EF Core 10, on one data
/// source with the floor's settings (Max Auto Prepare=32, No Reset On Close=true, as the package's own data source).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SmtpIpBenchmarks
{
    private NpgsqlDataSource _ds = null!;
    private NpgsqlSmtpIpAddressRepository _repo = null!;
    private PooledDbContextFactory<EfBenchContext> _ef = null!;
    private (Guid Id, Guid Vps)[] _ids = [];
    private Guid[] _vpsIds = [];
    private int _next;
    private int _nextVps;
    private int _inserted;

    // Compare-and-set: each method flips its own row between available and assigned (both moves are allowed).
    private SmtpIpAddress _libraryCurrent = null!;
    private SmtpIpAddress _floorCurrent = null!;
    private SmtpIpAddress _dapperCurrent = null!;
    private SmtpIpAddress _efCurrent = null!;

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
        _ef = EfBenchContext.CreateFactory(_ds);
        _ids = await BenchDatabase.LoadIdsAsync(_ds);
        _vpsIds = _ids.Select(x => x.Vps).Distinct().ToArray();
        _libraryCurrent = (await _repo.GetAsync(new SmtpIpAddressId(_ids[0].Id)))!;
        _floorCurrent = (await _repo.GetAsync(new SmtpIpAddressId(_ids[1].Id)))!;
        _dapperCurrent = (await _repo.GetAsync(new SmtpIpAddressId(_ids[2].Id)))!;
        _efCurrent = (await _repo.GetAsync(new SmtpIpAddressId(_ids[3].Id)))!;
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

    [Benchmark(Description = "EF Core 10 (no tracking)")]
    [BenchmarkCategory("GetById")]
    public async Task<SmtpIpAddress?> GetById_EfCore()
    {
        var id = NextId();
        await using var ctx = _ef.CreateDbContext();
        var row = await ctx.Ips.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id);
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

    [Benchmark(Description = "EF Core 10 (no tracking)")]
    [BenchmarkCategory("ListByVps")]
    public async Task<List<SmtpIpAddress>> ListByVps_EfCore()
    {
        var vps = NextVps();
        await using var ctx = _ef.CreateDbContext();
        var rows = await ctx.Ips.AsNoTracking().Where(x => x.VpsInstanceId == vps).OrderBy(x => x.Id).Take(101).ToListAsync();
        return rows.ConvertAll(x => x.ToEntity());
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

    [Benchmark(Description = "Dapper 2.1.66")]
    [BenchmarkCategory("ChangeStatus")]
    public async Task<SmtpIpAddress> ChangeStatus_Dapper()
    {
        var current = _dapperCurrent;
        var next = current.Status == SmtpIpAddressStatus.Available ? SmtpIpAddressStatus.Assigned : SmtpIpAddressStatus.Available;
        await using var conn = await _ds.OpenConnectionAsync();
        var row = await conn.QuerySingleOrDefaultAsync<DapperIpRow>(
            "UPDATE smtp_ip_addresses SET status = @next, updated = GREATEST(@now, updated + interval '1 microsecond') "
            + "WHERE id = @id AND status = @expected RETURNING " + Floor.Columns,
            new { id = current.Id.Value, next = Floor.StatusText(next), now = DateTimeOffset.UtcNow, expected = Floor.StatusText(current.Status) })
            ?? throw new InvalidOperationException("lost the compare-and-set");
        return _dapperCurrent = row.ToEntity();
    }

    // EF Core's set-based compare-and-set (ExecuteUpdate, EF 7+): one UPDATE ... WHERE id AND status, no RETURNING, so
    // the new row is built on the client from what was sent.
    [Benchmark(Description = "EF Core 10 (ExecuteUpdate)")]
    [BenchmarkCategory("ChangeStatus")]
    public async Task<SmtpIpAddress> ChangeStatus_EfCore()
    {
        var current = _efCurrent;
        var next = current.Status == SmtpIpAddressStatus.Available ? SmtpIpAddressStatus.Assigned : SmtpIpAddressStatus.Available;
        var id = current.Id.Value;
        var expected = Floor.StatusText(current.Status);
        var nextText = Floor.StatusText(next);
        var now = DateTimeOffset.UtcNow;
        await using var ctx = _ef.CreateDbContext();
        var changed = await ctx.Ips
            .Where(x => x.Id == id && x.Status == expected)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, nextText).SetProperty(x => x.Updated, now));
        if (changed != 1)
        {
            throw new InvalidOperationException("lost the compare-and-set");
        }

        return _efCurrent = current with { Status = next, Updated = now };
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

    [Benchmark(Description = "Dapper 2.1.66")]
    [BenchmarkCategory("InsertOne")]
    public async Task<SmtpIpAddress> InsertOne_Dapper()
    {
        await using var conn = await _ds.OpenConnectionAsync();
        var row = await conn.QuerySingleAsync<DapperIpRow>(
            "INSERT INTO smtp_ip_addresses (" + Floor.Columns + ") VALUES (@id, @vps, @ip, @status, @reputation, @cost, @checkedAt, "
            + "@assigned, CAST(@blacklist AS jsonb), @now, @now) RETURNING " + Floor.Columns,
            new
            {
                id = Guid.CreateVersion7(),
                vps = (Guid?)null,
                ip = NextAddress(),
                status = "available",
                reputation = "good",
                cost = 2.5m,
                checkedAt = (DateTimeOffset?)null,
                assigned = 0,
                blacklist = (string?)null,
                now = DateTimeOffset.UtcNow,
            });
        return row.ToEntity();
    }

    // EF Core's insert: Add + SaveChanges (change tracking is how EF inserts); the row is not read back.
    [Benchmark(Description = "EF Core 10 (Add + SaveChanges)")]
    [BenchmarkCategory("InsertOne")]
    public async Task<SmtpIpAddress> InsertOne_EfCore()
    {
        var row = EfIpRow.From(
            new SmtpIpAddress { Id = new SmtpIpAddressId(Guid.CreateVersion7()), IpAddress = NextAddress(), ReputationState = ReputationState.Good, ApproximateCost = 2.5m },
            DateTimeOffset.UtcNow);
        await using var ctx = _ef.CreateDbContext();
        ctx.Ips.Add(row);
        await ctx.SaveChangesAsync();
        return row.ToEntity();
    }

    private string NextAddress()
    {
        var n = Interlocked.Increment(ref _inserted);
        return string.Create(CultureInfo.InvariantCulture, $"172.{16 + ((n >> 16) & 15)}.{(n >> 8) & 255}.{n & 255}");
    }
}
