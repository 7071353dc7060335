namespace PenguinMails.Infrastructure.Core.IpPools;

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
