using System.Diagnostics;
using System.Globalization;
using Npgsql;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Postgres;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// The load run (<c>--load</c>): committed allocations for fresh domains on the fleet of <c>--ips</c> IPs (50,000 by
/// default) by 1, 4 and 8 concurrent workers for <c>--seconds</c> each (10 by default), the library beside the
/// hand-written floor (the same statements as <see cref="FleetScaleBenchmarks.FloorAllocateAsync"/>, committed).
/// Prints allocations per second and the median and 95th-percentile latency of each run.
/// </summary>
internal static class FleetLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var ips = IntArg(args, "--ips", 50_000);
        var seconds = IntArg(args, "--seconds", 10);
        var cs = await FleetDatabase.EnsureAsync(ips);
        await using var dataSource = FleetDatabase.Open(cs, maxPoolSize: 20);
        var allocator = new NpgsqlIpPoolAllocator(dataSource);
        var domain = 0;
        Console.WriteLine($"Load run: {ips:N0} IPs, {seconds} s per run, committed allocations for fresh domains");
        Console.WriteLine("| workers | implementation | allocations/s | median ms | p95 ms | errors |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: |");
        foreach (var workers in new[] { 1, 4, 8 })
        {
            foreach (var (name, allocate) in new (string, Func<Guid, Task>)[]
            {
                ("floor", d => FleetScaleBenchmarks.FloorAsync(dataSource, d, commit: true)),
                ("library", d => allocator.AllocateAsync(new IpAllocationRequest(new DomainId(d)))),
            })
            {
                var row = await MeasureAsync(
                    workers,
                    seconds,
                    (_, _) => allocate(FleetDatabase.FreshDomain(Interlocked.Increment(ref domain) % FleetDatabase.FreshDomains)),
                    ex => ex is PenguinMailsException or NpgsqlException);
                Console.WriteLine($"| {workers} | {name} | {row} |");
            }
        }

        return 0;
    }

    /// <summary>
    /// The in-memory load run (<c>--load-in-memory</c>): on the seeded in-memory fleet of <c>--ips</c> IPs, 1, 4 and 8
    /// workers each run units of work that allocate, keep the unit open for <c>--hold-ms</c> (1 by default: the
    /// caller's other work in the same unit) and roll back, for <c>--seconds</c> each. Beside the run where every
    /// worker has domains of its own, the same run with one domain for all workers is the baseline: its allocations
    /// wait for the domain's lock, as on PostgreSQL, so its rate stays that of one worker. Prints units per second and
    /// the median and 95th-percentile latency of each run.
    /// </summary>
    public static async Task<int> RunInMemoryAsync(string[] args)
    {
        var ips = IntArg(args, "--ips", 50_000);
        var seconds = IntArg(args, "--seconds", 10);
        var hold = TimeSpan.FromMilliseconds(IntArg(args, "--hold-ms", 1));
        var fleet = new FleetScaleInMemoryBenchmarks { Ips = ips };
        fleet.Setup();
        var domains = Enumerable.Range(0, 8 * 64).Select(_ => DomainId.New()).ToArray();
        foreach (var d in domains)
        {
            fleet.Store.AddDomain(d);
        }

        Console.WriteLine($"In-memory load run: {ips:N0} IPs, {seconds} s per run, units that allocate, stay open {hold.TotalMilliseconds:0} ms, roll back");
        Console.WriteLine("| workers | domains | units/s | median ms | p95 ms | errors |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: |");
        foreach (var workers in new[] { 1, 4, 8 })
        {
            foreach (var shared in new[] { true, false })
            {
                var row = await MeasureAsync(
                    workers,
                    seconds,
                    async (w, i) =>
                    {
                        var unit = await fleet.Allocator.UnitOfWork.BeginAsync();
                        await using (unit)
                        {
                            await fleet.Allocator.AllocateAsync(unit, new IpAllocationRequest(shared ? domains[0] : domains[w * 64 + i % 64]));
                            await Task.Delay(hold);
                            await unit.RollbackAsync();
                        }
                    },
                    ex => ex is PenguinMailsException);
                Console.WriteLine($"| {workers} | {(shared ? "one for all" : "own per worker")} | {row} |");
            }
        }

        return 0;
    }

    // Runs operation on workers flows for seconds (operation(worker, i) for each flow's i-th call); the table cells
    // "per second | median ms | p95 ms | errors", counting the exceptions isError accepts as errors.
    private static async Task<string> MeasureAsync(int workers, int seconds, Func<int, int, Task> operation, Func<Exception, bool> isError)
    {
        var latencies = new List<double>[workers];
        var errors = 0;
        var until = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            for (var i = 0; until.Elapsed.TotalSeconds < seconds; i++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await operation(w, i);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception ex) when (isError(ex))
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = until.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var median = all.Length == 0 ? 0 : all[all.Length / 2];
        var p95 = all.Length == 0 ? 0 : all[(int)(all.Length * 0.95)];
        return string.Create(CultureInfo.InvariantCulture, $"{all.Length / elapsed:F0} | {median:F2} | {p95:F2} | {errors}");
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
