using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>One assignment on the decommissioning VPS instance and where the plan moves it.</summary>
/// <param name="AssignmentId">The non-expired assignment to move.</param>
/// <param name="DomainId">Its domain.</param>
/// <param name="FromIpId">Its IP, on the decommissioning instance.</param>
/// <param name="TargetIpId">The IP on another instance the plan chose, or null when unplaceable.</param>
/// <param name="TargetVpsInstanceId">The target IP's instance, or null.</param>
/// <param name="UnplaceableReason">Why no IP fits, when <paramref name="TargetIpId"/> is null.</param>
/// <param name="UnplaceableDetail">The explanation (what the pool turned away), when unplaceable.</param>
public sealed record DecommissionPlanStep(
    DomainIpAssignmentId AssignmentId,
    DomainId? DomainId,
    SmtpIpAddressId? FromIpId,
    SmtpIpAddressId? TargetIpId,
    VpsInstanceId? TargetVpsInstanceId,
    IpPoolExhaustionReason? UnplaceableReason = null,
    string? UnplaceableDetail = null
)
{
    /// <summary>Whether the plan found a target IP.</summary>
    public bool IsPlaceable => TargetIpId is not null;
}

/// <summary>
/// A plan to empty a VPS instance before its decommission: each non-expired assignment of its IPs mapped to an IP on
/// another instance, chosen by <see cref="IpAllocationPolicy"/> as if the moves were allocated one after another.
/// A snapshot: <see cref="IVpsDecommissionPlanner.ApplyAsync"/> re-checks every step.
/// </summary>
/// <param name="VpsInstanceId">The instance to empty.</param>
/// <param name="VpsStatus">Its status when planned.</param>
/// <param name="DecommissionScheduledFor">Its <c>decommission_scheduled_for</c> when planned.</param>
/// <param name="PlannedAt">When the plan was made.</param>
/// <param name="Steps">One step per assignment, in assignment id order.</param>
public sealed record DecommissionPlan(
    VpsInstanceId VpsInstanceId,
    VpsInstanceStatus VpsStatus,
    DateTimeOffset? DecommissionScheduledFor,
    DateTimeOffset PlannedAt,
    IReadOnlyList<DecommissionPlanStep> Steps
)
{
    /// <summary>Steps with a target.</summary>
    public int PlaceableCount => Steps.Count(s => s.IsPlaceable);

    /// <summary>Steps without one.</summary>
    public int UnplaceableCount => Steps.Count(s => !s.IsPlaceable);

    /// <summary>Whether every assignment has a target.</summary>
    public bool IsFullyPlaceable => Steps.All(s => s.IsPlaceable);
}

/// <summary>What applying one plan step did.</summary>
public enum DecommissionMoveOutcome
{
    /// <summary>Moved to the planned target IP.</summary>
    Moved = 1,

    /// <summary>The planned target no longer fitted (or there was none); moved to the best other IP off the instance.</summary>
    MovedElsewhere = 2,

    /// <summary>No IP off the instance fits; the assignment stays.</summary>
    Unplaceable = 3,

    /// <summary>The assignment is gone, expired or on another IP since the plan was made; nothing done.</summary>
    Stale = 4,
}

/// <summary>One applied plan step.</summary>
/// <param name="Step">The step.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Allocation">The new assignment, when moved.</param>
/// <param name="UnplaceableReason">Why no IP fits, when unplaceable.</param>
public sealed record DecommissionMoveResult(
    DecommissionPlanStep Step,
    DecommissionMoveOutcome Outcome,
    IpAllocation? Allocation = null,
    IpPoolExhaustionReason? UnplaceableReason = null
);

/// <summary>The result of applying a plan.</summary>
/// <param name="VpsInstanceId">The instance.</param>
/// <param name="Moves">One result per step, in plan order.</param>
public sealed record DecommissionApplyResult(VpsInstanceId VpsInstanceId, IReadOnlyList<DecommissionMoveResult> Moves)
{
    /// <summary>Assignments moved off the instance (to the target or elsewhere).</summary>
    public int MovedCount => Moves.Count(m => m.Outcome is DecommissionMoveOutcome.Moved or DecommissionMoveOutcome.MovedElsewhere);

    /// <summary>Assignments that stay because nothing fits.</summary>
    public int UnplaceableCount => Moves.Count(m => m.Outcome == DecommissionMoveOutcome.Unplaceable);

    /// <summary>Steps that no longer applied.</summary>
    public int StaleCount => Moves.Count(m => m.Outcome == DecommissionMoveOutcome.Stale);
}

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
