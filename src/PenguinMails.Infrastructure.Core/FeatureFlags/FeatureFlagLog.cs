using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>The feature-flag log messages; event ids 5001..5099 are stable.</summary>
internal static partial class FeatureFlagLog
{
    [LoggerMessage(EventId = 5001, EventName = "FeatureFlagUnknownKey", Level = LogLevel.Warning, Message = "Feature flag '{FlagKey}' is not defined; it is off (logged once per key).")]
    public static partial void UnknownKey(ILogger logger, string flagKey);

    [LoggerMessage(EventId = 5002, EventName = "FeatureFlagUnknownKeyLimit", Level = LogLevel.Warning, Message = "More than {Limit} unknown feature flag keys were asked for; further unknown keys are off without a log entry.")]
    public static partial void UnknownKeyLimit(ILogger logger, int limit);

    [LoggerMessage(EventId = 5010, EventName = "FeatureFlagSnapshotLoaded", Level = LogLevel.Debug, Message = "Feature flag snapshot loaded: {Count} flags.")]
    public static partial void SnapshotLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 5011, EventName = "FeatureFlagRefreshFailed", Level = LogLevel.Error, Message = "Reloading the feature flag snapshot failed; the previous snapshot stays in use.")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5020, EventName = "FeatureFlagListening", Level = LogLevel.Information, Message = "Listening for feature flag changes on channel {Channel}.")]
    public static partial void Listening(ILogger logger, string channel);

    [LoggerMessage(EventId = 5021, EventName = "FeatureFlagListenFailed", Level = LogLevel.Warning, Message = "The change-notification LISTEN connection failed; reconnecting in {Delay}. Feature flag polling continues meanwhile.")]
    public static partial void ListenFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 5022, EventName = "FeatureFlagListenDisabled", Level = LogLevel.Information, Message = "Feature flag LISTEN is off; changes from other processes arrive by polling every {Interval}.")]
    public static partial void ListenDisabled(ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = 5023, EventName = "FeatureFlagUnlistenFailed", Level = LogLevel.Debug, Message = "UNLISTEN on the change-notification connection failed while stopping.")]
    public static partial void UnlistenFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5030, EventName = "FeatureFlagChanged", Level = LogLevel.Information, Message = "Feature flag '{FlagKey}' {Change} by user {UserId}.")]
    public static partial void Changed(ILogger logger, string flagKey, string change, UserId userId);

    [LoggerMessage(EventId = 5031, EventName = "FeatureFlagUpdateRetried", Level = LogLevel.Debug, Message = "Feature flag '{FlagKey}' changed under an update (attempt {Attempt}); retrying on the fresh row.")]
    public static partial void UpdateRetried(ILogger logger, string flagKey, int attempt);
}
