using Microsoft.Extensions.Logging;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>The warmup log messages; event ids 7120..7139 are stable.</summary>
internal static partial class WarmupLog
{
    [LoggerMessage(EventId = 7120, EventName = "WarmupAssignmentWarmed", Level = LogLevel.Information, Message = "Assignment {AssignmentId} completed warmup plan '{Plan}': warmup state 'warming' → 'warmed'.")]
    public static partial void AssignmentWarmed(ILogger logger, DomainIpAssignmentId assignmentId, string plan);

    [LoggerMessage(EventId = 7121, EventName = "WarmupIpWarmed", Level = LogLevel.Information, Message = "SMTP IP {IpId} is warmed: no assignment is still warming; status 'warming' → 'warmed'.")]
    public static partial void IpWarmed(ILogger logger, SmtpIpAddressId ipId);

    [LoggerMessage(EventId = 7122, EventName = "WarmupIpRewarming", Level = LogLevel.Information, Message = "SMTP IP {IpId} unused for {UnusedDays} days needs warming again: status '{From}' → 'warming'.")]
    public static partial void IpRewarming(ILogger logger, SmtpIpAddressId ipId, string from, int unusedDays);

    [LoggerMessage(EventId = 7123, EventName = "WarmupLostRace", Level = LogLevel.Warning, Message = "Warmup move of {Entity} {Id} not made: the row changed or vanished since it was read ({Error}).")]
    public static partial void LostRace(ILogger logger, string entity, string id, string error);
}
