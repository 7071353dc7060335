namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>A move the reputation service applied.</summary>
/// <param name="Recommendation">The recommendation applied.</param>
/// <param name="Stored">The IP as stored after the move.</param>
public sealed record ReputationAppliedMove(ReputationRecommendation Recommendation, SmtpIpAddress Stored);
