using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.Core.SystemConfig;

/// <summary>Log messages of the SystemConfig area (event ids 6200–6299). Keys and user ids only; never a value.</summary>
internal static partial class SystemConfigLog
{
    [LoggerMessage(EventId = 6200, EventName = "SystemConfigWritten", Level = LogLevel.Information, Message = "System config {Key} written by user {UserId} (sensitive: {IsSensitive})")]
    public static partial void Written(ILogger logger, string key, UserId userId, bool isSensitive);

    [LoggerMessage(EventId = 6201, EventName = "SensitiveConfigRead", Level = LogLevel.Information, Message = "Sensitive system config {Key} read unmasked by user {UserId}")]
    public static partial void SensitiveRead(ILogger logger, string key, UserId userId);

    [LoggerMessage(EventId = 6202, EventName = "SystemConfigDenied", Level = LogLevel.Warning, Message = "System config {Key}: user {UserId} denied {Operation} without {Permission}")]
    public static partial void Denied(ILogger logger, string key, UserId userId, string operation, string permission);

    [LoggerMessage(EventId = 6203, EventName = "SystemConfigWrongShape", Level = LogLevel.Warning, Message = "System config {Key} cannot be read as {TargetType}")]
    public static partial void WrongShape(ILogger logger, string key, string targetType);
}
