namespace PenguinMails.Infrastructure.Core.IpPools;

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
