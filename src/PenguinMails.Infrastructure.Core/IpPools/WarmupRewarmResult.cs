namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>The outcome of <see cref="IWarmupService.ApplyRewarmAsync"/>.</summary>
/// <param name="Applied">IPs moved to <c>warming</c>, as stored.</param>
/// <param name="NotAllowed">Recommendations the IP lifecycle does not allow to apply (<see cref="WarmupRewarmRecommendation.CanApply"/> false).</param>
/// <param name="LostRaces">Moves not made because the IP's status changed (or the row vanished) since it was read.</param>
public sealed record WarmupRewarmResult(
    IReadOnlyList<SmtpIpAddress> Applied,
    IReadOnlyList<WarmupRewarmRecommendation> NotAllowed,
    IReadOnlyList<WarmupLostRace> LostRaces);
