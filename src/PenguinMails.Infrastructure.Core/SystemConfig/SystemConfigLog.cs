using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.Core.SystemConfig;

/// <summary>Log messages of the SystemConfig area (event ids 6200–6299). Keys and user ids only; never a value.</summary>
internal static partial class SystemConfigLog
{
    [LoggerMessage(EventId = PenguinMailsInfraEventIds.SystemConfigWritten, EventName = nameof(PenguinMailsInfraEventIds.SystemConfigWritten), Level = LogLevel.Information, Message = "System config {Key} written by user {UserId} (sensitive: {IsSensitive})")]
    public static partial void Written(ILogger logger, string key, UserId userId, bool isSensitive);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.SensitiveConfigRead, EventName = nameof(PenguinMailsInfraEventIds.SensitiveConfigRead), Level = LogLevel.Information, Message = "Sensitive system config {Key} read unmasked by user {UserId}")]
    public static partial void SensitiveRead(ILogger logger, string key, UserId userId);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.SystemConfigDenied, EventName = nameof(PenguinMailsInfraEventIds.SystemConfigDenied), Level = LogLevel.Warning, Message = "System config {Key}: user {UserId} denied {Operation} without {Permission}")]
    public static partial void Denied(ILogger logger, string key, UserId userId, string operation, string permission);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.SystemConfigWrongShape, EventName = nameof(PenguinMailsInfraEventIds.SystemConfigWrongShape), Level = LogLevel.Warning, Message = "System config {Key} cannot be read as {TargetType}")]
    public static partial void WrongShape(ILogger logger, string key, string targetType);
}
