namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Plans and carries out the decommission of a VPS instance: schedule it, plan the moves of its IPs' assignments to
/// other instances, apply the plan, and complete it only once no non-expired assignment is left.
/// </summary>
public interface IVpsDecommissionPlanner
{
    /// <summary>
    /// Moves the instance to <c>scheduled_decommission</c> through the repository's compare-and-set, whose side rule sets
    /// <c>decommission_scheduled_for</c>: <paramref name="at"/>, or by default the end of the current billing period.
    /// </summary>
    /// <param name="vpsInstanceId">The instance (status <c>active</c>).</param>
    /// <param name="at">The decommission time instead of the end of the billing period, or null.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The instance as stored.</returns>
    /// <exception cref="EntityNotFoundException">No such instance.</exception>
    /// <exception cref="Lifecycles.InvalidStatusTransitionException">The instance is not <c>active</c>.</exception>
    /// <exception cref="EntityValidationException">No time given and the billing period is not known.</exception>
    Task<VpsInstance> ScheduleAsync(VpsInstanceId vpsInstanceId, DateTimeOffset? at = null, CancellationToken cancellationToken = default);

    /// <summary>Plans the moves of every non-expired assignment of the instance's IPs to IPs on other instances. Writes nothing.</summary>
    /// <param name="vpsInstanceId">The instance.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="EntityNotFoundException">No such instance.</exception>
    Task<DecommissionPlan> PlanAsync(VpsInstanceId vpsInstanceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Carries out <paramref name="plan"/>, one transaction per step: locks the domain, re-reads the assignment (a step
    /// whose assignment changed is <see cref="DecommissionMoveOutcome.Stale"/>), allocates the target IP (or, when it no
    /// longer fits, the best IP off the instance), then expires the old assignment and releases its IP. The new
    /// assignment keeps the old one's <c>expires</c> when that is still ahead.
    /// </summary>
    /// <param name="plan">A plan from <see cref="PlanAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the remaining steps; committed steps stay.</param>
    Task<DecommissionApplyResult> ApplyAsync(DecommissionPlan plan, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the instance to <c>decommissioned</c>, refusing while its IPs hold non-expired assignments.
    /// </summary>
    /// <param name="vpsInstanceId">The instance (<c>scheduled_decommission</c>, or <c>provisioning</c>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The instance as stored.</returns>
    /// <exception cref="VpsDecommissionBlockedException">Non-expired assignments remain (the count is in the exception).</exception>
    /// <exception cref="EntityNotFoundException">No such instance.</exception>
    /// <exception cref="Lifecycles.InvalidStatusTransitionException">The lifecycle does not allow the move (for example from <c>active</c>).</exception>
    Task<VpsInstance> CompleteAsync(VpsInstanceId vpsInstanceId, CancellationToken cancellationToken = default);
}
