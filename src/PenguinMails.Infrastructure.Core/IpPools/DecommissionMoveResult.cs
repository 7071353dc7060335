namespace PenguinMails.Infrastructure.Core.IpPools;

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
