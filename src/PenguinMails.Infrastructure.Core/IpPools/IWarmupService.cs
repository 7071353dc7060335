namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Warmup over the stores: today's cap of an assignment, the move of completed warmups to <c>warmed</c>, and IPs that
/// need warming again. The decisions are <see cref="WarmupPlan"/> and <see cref="WarmupPlanner"/> (pure); this service
/// reads the rows, asks them, and writes with the repositories' compare-and-set.
/// </summary>
public interface IWarmupService
{
    /// <summary>The plans this service chooses from.</summary>
    WarmupPlanCatalog Catalog { get; }

    /// <summary>Where the warmup of <paramref name="assignment"/> stands now (no I/O).</summary>
    /// <param name="assignment">The assignment, as read.</param>
    /// <param name="planName">A plan name, or null to let the options choose (see <see cref="WarmupPlanCatalog.For"/>).</param>
    /// <exception cref="EntityNotFoundException">The named plan does not exist.</exception>
    WarmupProgress GetProgress(DomainIpAssignment assignment, string? planName = null);

    /// <summary>Reads the assignment and tells where its warmup stands now.</summary>
    /// <param name="assignmentId">The assignment.</param>
    /// <param name="planName">A plan name, or null to let the options choose.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="EntityNotFoundException">No such assignment, or the named plan does not exist.</exception>
    Task<WarmupProgress> GetProgressAsync(DomainIpAssignmentId assignmentId, string? planName = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves every assignment whose plan is complete from warmup state <c>warming</c> to <c>warmed</c>, then every IP
    /// in <c>warming</c> that <see cref="WarmupPlanner.IpsReadyToBeWarmed"/> selects to <c>warmed</c>. Each write is a
    /// compare-and-set; one lost to a concurrent change is reported in <see cref="WarmupAdvanceResult.LostRaces"/> and
    /// the rest go on. Idempotent: a second call finds nothing left to move.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation; moves already written stay.</param>
    Task<WarmupAdvanceResult> AdvanceCompletedAsync(CancellationToken cancellationToken = default);

    /// <summary>The IPs unused for <see cref="WarmupOptions.RewarmAfterUnusedDays"/> days or more (see <see cref="WarmupPlanner.IpsNeedingRewarm"/>). Writes nothing.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<IReadOnlyList<WarmupRewarmRecommendation>> FindIpsNeedingRewarmAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the recommended IPs to <c>warming</c> with a compare-and-set on the status they were read with. Those the
    /// lifecycle does not allow are returned in <see cref="WarmupRewarmResult.NotAllowed"/>; a lost race in
    /// <see cref="WarmupRewarmResult.LostRaces"/>.
    /// </summary>
    /// <param name="recommendations">Recommendations from <see cref="FindIpsNeedingRewarmAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the operation; moves already written stay.</param>
    Task<WarmupRewarmResult> ApplyRewarmAsync(IEnumerable<WarmupRewarmRecommendation> recommendations, CancellationToken cancellationToken = default);
}
