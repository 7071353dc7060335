using System.Collections.Frozen;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using PenguinMails.Infrastructure.Core.FeatureFlags;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// Targeted before/after parts of the two in-memory hot paths, in one run so both sides see the same machine:
/// the flag decision as it was (frozen lookup of the flag, then <see cref="RolloutBucket.Compute(string, Guid)"/>:
/// GUID to 36 chars, two UTF-8 byte counts, a zeroed 512-byte buffer, MurmurHash3 over key + ":" + id) against the
/// snapshot's precomputed per-flag hash prefix (<see cref="FeatureFlagSnapshot.Explain"/>); and the permission cache's
/// freshness clock as it was (<c>TimeProvider.System.GetUtcNow()</c>) against <see cref="TimeProvider.GetTimestamp"/>
/// and the coarse <see cref="Environment.TickCount64"/> it now reads.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class HotPathPartsBenchmarks
{
    private const string FlagKey = "new-dashboard";
    private FrozenDictionary<string, FeatureFlag> _flags = null!;
    private FeatureFlagSnapshot _snapshot = null!;
    private Guid[] _subjects = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var flag = new FeatureFlag { Key = FlagKey, IsEnabled = true, RolloutPercentage = 25 };
        _flags = new Dictionary<string, FeatureFlag> { [FlagKey] = flag }.ToFrozenDictionary(StringComparer.Ordinal);
        _snapshot = FeatureFlagSnapshot.Create([flag], DateTimeOffset.UtcNow);
        _subjects = Enumerable.Range(0, 1024).Select(_ => Guid.NewGuid()).ToArray();
    }

    private Guid Next() => _subjects[_next++ & 1023];

    [Benchmark(Baseline = true, Description = "Flag decision, before: lookup + Compute(key, Guid)")]
    [BenchmarkCategory("FlagParts")]
    public bool FlagParts_Before()
    {
        var flag = _flags[FlagKey];
        return RolloutBucket.IsOn(flag.IsEnabled, flag.RolloutPercentage, RolloutBucket.Compute(flag.Key, Next()));
    }

    [Benchmark(Description = "Flag decision, after: snapshot.Explain (precomputed prefix)")]
    [BenchmarkCategory("FlagParts")]
    public bool FlagParts_After() => _snapshot.Explain(FlagKey, Next()).IsEnabled;

    // BenchmarkDotNet needs instance methods; these read no instance data.
#pragma warning disable CA1822
    [Benchmark(Baseline = true, Description = "Freshness clock, before: TimeProvider.System.GetUtcNow()")]
    [BenchmarkCategory("ClockParts")]
    public long ClockParts_UtcNow() => TimeProvider.System.GetUtcNow().UtcTicks;

    [Benchmark(Description = "TimeProvider.System.GetTimestamp()")]
    [BenchmarkCategory("ClockParts")]
    public long ClockParts_Timestamp() => TimeProvider.System.GetTimestamp();

    [Benchmark(Description = "Freshness clock, after: Environment.TickCount64")]
    [BenchmarkCategory("ClockParts")]
    public long ClockParts_TickCount64() => Environment.TickCount64;
#pragma warning restore CA1822
}
