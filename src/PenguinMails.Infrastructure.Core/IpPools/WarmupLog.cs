using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>The warmup log messages; event ids 7120..7139 are stable.</summary>
internal static partial class WarmupLog
{
    [LoggerMessage(EventId = PenguinMailsInfraEventIds.WarmupAssignmentWarmed, EventName = nameof(PenguinMailsInfraEventIds.WarmupAssignmentWarmed), Level = LogLevel.Information, Message = "Assignment {AssignmentId} completed warmup plan '{Plan}': warmup state 'warming' → 'warmed'.")]
    public static partial void AssignmentWarmed(ILogger logger, DomainIpAssignmentId assignmentId, string plan);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.WarmupIpWarmed, EventName = nameof(PenguinMailsInfraEventIds.WarmupIpWarmed), Level = LogLevel.Information, Message = "SMTP IP {IpId} is warmed: no assignment is still warming; status 'warming' → 'warmed'.")]
    public static partial void IpWarmed(ILogger logger, SmtpIpAddressId ipId);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.WarmupIpRewarming, EventName = nameof(PenguinMailsInfraEventIds.WarmupIpRewarming), Level = LogLevel.Information, Message = "SMTP IP {IpId} unused for {UnusedDays} days needs warming again: status '{From}' → 'warming'.")]
    public static partial void IpRewarming(ILogger logger, SmtpIpAddressId ipId, string from, int unusedDays);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.WarmupLostRace, EventName = nameof(PenguinMailsInfraEventIds.WarmupLostRace), Level = LogLevel.Warning, Message = "Warmup move of {Entity} {Id} not made: the row changed or vanished since it was read ({Error}).")]
    public static partial void LostRace(ILogger logger, string entity, string id, string error);
}
