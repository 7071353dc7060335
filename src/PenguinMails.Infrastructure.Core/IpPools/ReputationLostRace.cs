namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>A recommended move not made: the IP's status changed, or the IP was deleted, since it was read.</summary>
/// <param name="Recommendation">The recommendation.</param>
/// <param name="Error">What the store reported (the exception's message: entity, id, statuses).</param>
public sealed record ReputationLostRace(ReputationRecommendation Recommendation, string Error);
