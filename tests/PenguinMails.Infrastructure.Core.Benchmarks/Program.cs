using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using PenguinMails.Infrastructure.Core.Benchmarks;

// Usage (see docs/benchmarks.md):
//   dotnet run -c Release --project tests/PenguinMails.Infrastructure.Core.Benchmarks -- --quick [BenchmarkDotNet args]
//   dotnet run -c Release --project tests/PenguinMails.Infrastructure.Core.Benchmarks -- [BenchmarkDotNet args]
// Without --filter every benchmark runs. The database is started and seeded once, before any benchmark.
//   dotnet run -c Release --project tests/PenguinMails.Infrastructure.Core.Benchmarks -- --load [--ips 50000] [--seconds 10]
//   dotnet run -c Release --project tests/PenguinMails.Infrastructure.Core.Benchmarks -- --load-in-memory [--ips 50000] [--seconds 10] [--hold-ms 1]
if (args.Contains("--load"))
{
    return await FleetLoad.RunAsync(args);
}

if (args.Contains("--load-in-memory"))
{
    return await FleetLoad.RunInMemoryAsync(args);
}

var quick = args.Contains("--quick");
var rest = args.Where(a => a != "--quick").ToArray();
if (!rest.Contains("--filter"))
{
    rest = [.. rest, "--filter", "*"];
}

// The fleets of the FleetScale benchmarks are seeded on first use, one database per size (FleetDatabase).
Console.WriteLine("Seeding the benchmark database (200 VPS instances, 20,000 IPs through the bulk import)...");
await BenchDatabase.EnsureSeededAsync();

// In-process: the generated out-of-process project would sit under this repository and inherit its build rules
// (warnings as errors, analyzers); see docs/benchmarks.md.
var job = quick
    ? Job.Default.WithId("Quick").WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(9)   // a few minutes on 2 cores
    : Job.Default.WithId("Full");                      // BenchmarkDotNet's default: until the confidence interval is tight
var config = DefaultConfig.Instance
    .AddJob(job.WithToolchain(InProcessEmitToolchain.Instance))
    .AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, BenchmarkDotNet.Columns.StatisticColumn.Min)
    // Exact medians and bytes per operation for docs/benchmarks.md (results/*-report-full.json).
    .AddExporter(BenchmarkDotNet.Exporters.Json.JsonExporter.Full)
    .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile)
    .WithSummaryStyle(BenchmarkDotNet.Reports.SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Value));

BenchmarkSwitcher.FromAssembly(typeof(SmtpIpBenchmarks).Assembly).Run(rest, config);
return 0;
