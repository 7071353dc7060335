namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>Conversions of <see cref="ReputationMoveReason"/>.</summary>
public static class ReputationMoveReasonExtensions
{
    /// <summary>The snake_case name used in logs and metric tags, for example <c>still_bad</c>.</summary>
    /// <param name="reason">The reason.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined reason.</exception>
    public static string ToTagValue(this ReputationMoveReason reason) => reason switch
    {
        ReputationMoveReason.PoorReputation => "poor_reputation",
        ReputationMoveReason.CriticalReputation => "critical_reputation",
        ReputationMoveReason.ListedAtMajorProvider => "listed_at_major_provider",
        ReputationMoveReason.Listed => "listed",
        ReputationMoveReason.StillBad => "still_bad",
        ReputationMoveReason.Recovered => "recovered",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a defined reputation move reason."),
    };
}
