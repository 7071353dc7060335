using System.Collections.Frozen;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// An immutable picture of every flag at one moment, keyed by flag key (ordinal). Evaluating against it is pure: no I/O,
/// no allocation.
/// </summary>
public sealed class FeatureFlagSnapshot
{
    // Each flag with its key's precomputed rollout-hash prefix, so an evaluation hashes only the subject's 36 bytes.
    private readonly FrozenDictionary<string, Entry> _byKey;

    private FeatureFlagSnapshot(Dictionary<string, FeatureFlag> byKey, DateTimeOffset loadedAt)
    {
        _byKey = byKey.ToFrozenDictionary(p => p.Key, p => new Entry(p.Value), StringComparer.Ordinal);
        LoadedAt = loadedAt;
        Flags = [.. byKey.Values.OrderBy(f => f.Key, StringComparer.Ordinal)];
    }

    /// <summary>A snapshot without flags (every key is unknown, so every flag is off).</summary>
    public static FeatureFlagSnapshot Empty { get; } = new(new Dictionary<string, FeatureFlag>(StringComparer.Ordinal), DateTimeOffset.MinValue);

    /// <summary>When the flags were read (from the provider's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>Every flag, ordered by key (ordinal).</summary>
    public IReadOnlyList<FeatureFlag> Flags { get; }

    /// <summary>How many flags the snapshot holds.</summary>
    public int Count => _byKey.Count;

    /// <summary>Builds a snapshot from flags as read from a repository.</summary>
    /// <param name="flags">The flags; keys must be unique.</param>
    /// <param name="loadedAt">When they were read.</param>
    /// <exception cref="ArgumentException">Two flags have the same key.</exception>
    public static FeatureFlagSnapshot Create(IEnumerable<FeatureFlag> flags, DateTimeOffset loadedAt)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var map = new Dictionary<string, FeatureFlag>(StringComparer.Ordinal);
        foreach (var flag in flags)
        {
            ArgumentNullException.ThrowIfNull(flag);
            if (!map.TryAdd(flag.Key, flag))
            {
                throw new ArgumentException($"The flag key '{flag.Key}' appears twice.", nameof(flags));
            }
        }

        return new FeatureFlagSnapshot(map, loadedAt);
    }

    /// <summary>This snapshot with one flag added or replaced (matched by key).</summary>
    /// <param name="flag">The flag as stored.</param>
    /// <param name="loadedAt">When it was stored.</param>
    public FeatureFlagSnapshot With(FeatureFlag flag, DateTimeOffset loadedAt)
    {
        ArgumentNullException.ThrowIfNull(flag);
        var map = new Dictionary<string, FeatureFlag>(_byKey.Count + 1, StringComparer.Ordinal);
        foreach (var entry in _byKey)
        {
            map.Add(entry.Key, entry.Value.Flag);
        }

        map[flag.Key] = flag;
        return new FeatureFlagSnapshot(map, loadedAt);
    }

    /// <summary>The flag with this key, or null.</summary>
    /// <param name="flagKey">The key.</param>
    public FeatureFlag? Find(string flagKey)
    {
        ArgumentNullException.ThrowIfNull(flagKey);
        return _byKey.TryGetValue(flagKey, out var entry) ? entry.Flag : null;
    }

    /// <summary>The decision for a subject, with its reason. Pure and allocation-free.</summary>
    /// <param name="flagKey">The flag key.</param>
    /// <param name="subjectId">The subject (a user id by default, a tenant id for a tenant-wide rollout).</param>
    public FlagDecision Explain(string flagKey, Guid subjectId)
    {
        ArgumentNullException.ThrowIfNull(flagKey);
        if (!_byKey.TryGetValue(flagKey, out var entry))
        {
            return new FlagDecision(FlagDecisionReason.UnknownFlag, 0, 0);
        }

        var flag = entry.Flag;
        if (!flag.IsEnabled)
        {
            return new FlagDecision(FlagDecisionReason.Disabled, 0, flag.RolloutPercentage);
        }

        if (flag.RolloutPercentage <= 0)
        {
            return new FlagDecision(FlagDecisionReason.RolloutZero, 0, 0);
        }

        var bucket = RolloutBucket.Compute(entry.Key, subjectId);
        return RolloutBucket.IsOn(true, flag.RolloutPercentage, bucket)
            ? new FlagDecision(FlagDecisionReason.InRollout, bucket, flag.RolloutPercentage)
            : new FlagDecision(FlagDecisionReason.OutOfRollout, bucket, flag.RolloutPercentage);
    }

    private sealed class Entry(FeatureFlag flag)
    {
        public FeatureFlag Flag { get; } = flag;

        public RolloutKey Key { get; } = RolloutKey.Create(flag.Key);
    }
}
