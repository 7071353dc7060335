namespace PenguinMails.Infrastructure.Core.IpPools;

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
