namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Applies the reputation policy (<see cref="ReputationPolicy"/>) to the stored IPs: recommends moves, and on request
/// applies them with the IP repository's compare-and-set, logging and counting each.
/// </summary>
public interface IReputationPolicyService
{
    /// <summary>Reads every IP and returns the moves the policy recommends now. Writes nothing.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IReadOnlyList<ReputationRecommendation>> RecommendAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies <paramref name="recommendations"/>, each with a compare-and-set on the status its IP was read with
    /// (<see cref="ISmtpIpAddressRepository.ChangeStatusAsync"/>). Each applied move is logged with its reason (event
    /// 7100) and counted; a move lost to a concurrent change, or whose IP was deleted, is reported in
    /// <see cref="ReputationApplyResult.LostRaces"/> (event 7101) and the rest go on.
    /// </summary>
    /// <param name="recommendations">Recommendations from <see cref="RecommendAsync"/> or <see cref="ReputationPolicy"/>.</param>
    /// <param name="cancellationToken">Cancels the operation; moves already written stay.</param>
    /// <exception cref="InvalidStatusTransitionException">A recommendation asks for a move the IP lifecycle does not allow (not one the policy made).</exception>
    Task<ReputationApplyResult> ApplyAsync(IEnumerable<ReputationRecommendation> recommendations, CancellationToken cancellationToken = default);
}
