using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.SmtpIps;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// The library's get-by-id on four data sources: Npgsql's defaults (Max Auto Prepare=0, reset on close; the baseline),
/// each setting alone, and both (what the package's own data source uses, InfraDataSource).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DataSourceSettingsBenchmarks
{
    private NpgsqlDataSource[] _sources = [];
    private NpgsqlSmtpIpAddressRepository _defaults = null!;
    private NpgsqlSmtpIpAddressRepository _prepareOnly = null!;
    private NpgsqlSmtpIpAddressRepository _noResetOnly = null!;
    private NpgsqlSmtpIpAddressRepository _both = null!;
    private Guid[] _ids = [];
    private int _next;

    // Synchronous wrappers: the in-process toolchain of BenchmarkDotNet 0.14 does not await an async setup.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        await BenchDatabase.EnsureSeededAsync();
        _sources =
        [
            BenchDatabase.Create(0, false),
            BenchDatabase.Create(32, false),
            BenchDatabase.Create(0, true),
            BenchDatabase.Create(32, true),
        ];
        _defaults = new NpgsqlSmtpIpAddressRepository(_sources[0]);
        _prepareOnly = new NpgsqlSmtpIpAddressRepository(_sources[1]);
        _noResetOnly = new NpgsqlSmtpIpAddressRepository(_sources[2]);
        _both = new NpgsqlSmtpIpAddressRepository(_sources[3]);
        _ids = (await BenchDatabase.LoadIdsAsync(_sources[0])).Select(x => x.Id).ToArray();
    }

    private async Task CleanupAsync()
    {
        foreach (var ds in _sources)
        {
            await ds.DisposeAsync();
        }
    }

    private SmtpIpAddressId NextId() => new(_ids[_next++ % _ids.Length]);

    [Benchmark(Baseline = true, Description = "MaxAutoPrepare=0, NoResetOnClose=false (Npgsql defaults)")]
    [BenchmarkCategory("DataSourceSettings")]
    public Task<SmtpIpAddress?> Defaults() => _defaults.GetAsync(NextId());

    [Benchmark(Description = "MaxAutoPrepare=32, NoResetOnClose=false")]
    [BenchmarkCategory("DataSourceSettings")]
    public Task<SmtpIpAddress?> AutoPrepareOnly() => _prepareOnly.GetAsync(NextId());

    [Benchmark(Description = "MaxAutoPrepare=0, NoResetOnClose=true")]
    [BenchmarkCategory("DataSourceSettings")]
    public Task<SmtpIpAddress?> NoResetOnly() => _noResetOnly.GetAsync(NextId());

    [Benchmark(Description = "MaxAutoPrepare=32, NoResetOnClose=true (package's own data source)")]
    [BenchmarkCategory("DataSourceSettings")]
    public Task<SmtpIpAddress?> Both() => _both.GetAsync(NextId());
}
