namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>The outcome of <see cref="IReputationPolicyService.ApplyAsync"/>.</summary>
/// <param name="Applied">Moves written.</param>
/// <param name="LostRaces">Moves not written because the row changed or vanished.</param>
public sealed record ReputationApplyResult(IReadOnlyList<ReputationAppliedMove> Applied, IReadOnlyList<ReputationLostRace> LostRaces);
