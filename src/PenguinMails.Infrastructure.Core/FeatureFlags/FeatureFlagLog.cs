using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>The feature-flag log messages; event ids 5001..5099 are stable.</summary>
internal static partial class FeatureFlagLog
{
    [LoggerMessage(EventId = PenguinMailsInfraEventIds.FeatureFlagUnknownKey, EventName = nameof(PenguinMailsInfraEventIds.FeatureFlagUnknownKey), Level = LogLevel.Warning, Message = "Feature flag '{FlagKey}' is not defined; it is off (logged once per key).")]
    public static partial void UnknownKey(ILogger logger, string flagKey);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.FeatureFlagUnknownKeyLimit, EventName = nameof(PenguinMailsInfraEventIds.FeatureFlagUnknownKeyLimit), Level = LogLevel.Warning, Message = "More than {Limit} unknown feature flag keys were asked for; further unknown keys are off without a log entry.")]
    public static partial void UnknownKeyLimit(ILogger logger, int limit);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.FeatureFlagSnapshotLoaded, EventName = nameof(PenguinMailsInfraEventIds.FeatureFlagSnapshotLoaded), Level = LogLevel.Debug, Message = "Feature flag snapshot loaded: {Count} flags.")]
    public static partial void SnapshotLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.FeatureFlagRefreshFailed, EventName = nameof(PenguinMailsInfraEventIds.FeatureFlagRefreshFailed), Level = LogLevel.Error, Message = "Reloading the feature flag snapshot failed; the previous snapshot stays in use.")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.FeatureFlagListening, EventName = nameof(PenguinMailsInfraEventIds.FeatureFlagListening), Level = LogLevel.Information, Message = "Listening for feature flag changes on channel {Channel}.")]
    public static partial void Listening(ILogger logger, string channel);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.FeatureFlagListenFailed, EventName = nameof(PenguinMailsInfraEventIds.FeatureFlagListenFailed), Level = LogLevel.Warning, Message = "The change-notification LISTEN connection failed; reconnecting in {Delay}. Feature flag polling continues meanwhile.")]
    public static partial void ListenFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.FeatureFlagListenDisabled, EventName = nameof(PenguinMailsInfraEventIds.FeatureFlagListenDisabled), Level = LogLevel.Information, Message = "Feature flag LISTEN is off; changes from other processes arrive by polling every {Interval}.")]
    public static partial void ListenDisabled(ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.FeatureFlagUnlistenFailed, EventName = nameof(PenguinMailsInfraEventIds.FeatureFlagUnlistenFailed), Level = LogLevel.Debug, Message = "UNLISTEN on the change-notification connection failed while stopping.")]
    public static partial void UnlistenFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.FeatureFlagChanged, EventName = nameof(PenguinMailsInfraEventIds.FeatureFlagChanged), Level = LogLevel.Information, Message = "Feature flag '{FlagKey}' {Change} by user {UserId}.")]
    public static partial void Changed(ILogger logger, string flagKey, string change, UserId userId);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.FeatureFlagUpdateRetried, EventName = nameof(PenguinMailsInfraEventIds.FeatureFlagUpdateRetried), Level = LogLevel.Debug, Message = "Feature flag '{FlagKey}' changed under an update (attempt {Attempt}); retrying on the fresh row.")]
    public static partial void UpdateRetried(ILogger logger, string flagKey, int attempt);
}
