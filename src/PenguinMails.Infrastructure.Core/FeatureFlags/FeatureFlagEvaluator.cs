using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// The <see cref="IFeatureFlagEvaluator"/> over a <see cref="FeatureFlagSnapshotProvider"/>'s current snapshot. An
/// unknown key is logged once (up to <see cref="FeatureFlagOptions.MaxWarnedUnknownKeys"/> keys), never once per call,
/// and not before the first snapshot has loaded.
/// </summary>
public sealed class FeatureFlagEvaluator : IFeatureFlagEvaluator
{
    private readonly FeatureFlagSnapshotProvider _provider;
    private readonly ILogger _logger;
    private readonly int _maxWarned;
    private readonly ConcurrentDictionary<string, byte> _warned = new(StringComparer.Ordinal);
    private int _warnedCount;

    /// <summary>Initializes an evaluator.</summary>
    /// <param name="provider">The snapshot source.</param>
    /// <param name="maxWarnedUnknownKeys">How many distinct unknown keys are logged.</param>
    /// <param name="logger">The logger, or null for none.</param>
    public FeatureFlagEvaluator(FeatureFlagSnapshotProvider provider, int maxWarnedUnknownKeys = 1000, ILogger<FeatureFlagEvaluator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentOutOfRangeException.ThrowIfNegative(maxWarnedUnknownKeys);
        _provider = provider;
        _maxWarned = maxWarnedUnknownKeys;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public bool IsEnabled(string flagKey, Guid subjectId) => Explain(flagKey, subjectId).IsEnabled;

    /// <inheritdoc />
    public bool IsEnabled(string flagKey, UserId userId) => Explain(flagKey, userId.Value).IsEnabled;

    /// <inheritdoc />
    public bool IsEnabled(string flagKey, TenantId tenantId) => Explain(flagKey, tenantId.Value).IsEnabled;

    /// <inheritdoc />
    public FlagDecision Explain(string flagKey, Guid subjectId)
    {
        var decision = _provider.Current.Explain(flagKey, subjectId);
        if (decision.Reason == FlagDecisionReason.UnknownFlag)
        {
            InfraTelemetry.FlagEvaluated(InfraTelemetry.OutcomeUnknown);
            WarnUnknown(flagKey);
        }
        else
        {
            InfraTelemetry.FlagEvaluated(decision.IsEnabled ? InfraTelemetry.OutcomeOn : InfraTelemetry.OutcomeOff);
        }

        return decision;
    }

    private void WarnUnknown(string flagKey)
    {
        // Before the first load every key is unknown: that says nothing about the key.
        if (_provider.Version == 0 || _warned.ContainsKey(flagKey) || Volatile.Read(ref _warnedCount) > _maxWarned)
        {
            return;
        }

        if (Interlocked.Increment(ref _warnedCount) > _maxWarned)
        {
            FeatureFlagLog.UnknownKeyLimit(_logger, _maxWarned);
            return;
        }

        if (_warned.TryAdd(flagKey, 0))
        {
            FeatureFlagLog.UnknownKey(_logger, flagKey);
        }
        else
        {
            Interlocked.Decrement(ref _warnedCount);
        }
    }
}
