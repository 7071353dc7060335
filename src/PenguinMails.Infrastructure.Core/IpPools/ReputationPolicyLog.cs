using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>The reputation policy log messages; event ids 7100..7119 are stable.</summary>
internal static partial class ReputationPolicyLog
{
    [LoggerMessage(EventId = PenguinMailsInfraEventIds.ReputationMoveApplied, EventName = nameof(PenguinMailsInfraEventIds.ReputationMoveApplied), Level = LogLevel.Warning, Message = "SMTP IP {IpId} moved '{From}' → '{To}' by the reputation policy, reason {Reason}: {Explanation}.")]
    public static partial void Moved(ILogger logger, SmtpIpAddressId ipId, string from, string to, string reason, string explanation);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.ReputationMoveLostRace, EventName = nameof(PenguinMailsInfraEventIds.ReputationMoveLostRace), Level = LogLevel.Warning, Message = "Reputation move of SMTP IP {IpId} '{From}' → '{To}' (reason {Reason}) not made: the row changed or vanished since it was read ({Error}).")]
    public static partial void LostRace(ILogger logger, SmtpIpAddressId ipId, string from, string to, string reason, string error);
}
