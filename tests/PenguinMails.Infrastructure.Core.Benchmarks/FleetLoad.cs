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
                var latencies = new List<double>[workers];
                var errors = 0;
                var until = Stopwatch.StartNew();
                var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
                {
                    var mine = latencies[w] = [];
                    while (until.Elapsed.TotalSeconds < seconds)
                    {
                        var d = FleetDatabase.FreshDomain(Interlocked.Increment(ref domain) % FleetDatabase.FreshDomains);
                        var started = Stopwatch.GetTimestamp();
                        try
                        {
                            await allocate(d);
                            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        }
                        catch (Exception ex) when (ex is PenguinMailsException or NpgsqlException)
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
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {workers} | {name} | {all.Length / elapsed:F0} | {median:F2} | {p95:F2} | {errors} |"));
            }
        }

        return 0;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
