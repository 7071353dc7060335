namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>Why a flag is on or off for a subject.</summary>
public enum FlagDecisionReason
{
    /// <summary>No flag has this key in the snapshot: off.</summary>
    UnknownFlag = 0,

    /// <summary><c>is_enabled</c> is false (the kill switch): off.</summary>
    Disabled = 1,

    /// <summary>Enabled, but <c>rollout_percentage</c> is 0: off.</summary>
    RolloutZero = 2,

    /// <summary>The subject's bucket is at most the rollout percentage: on.</summary>
    InRollout = 3,

    /// <summary>The subject's bucket is above the rollout percentage: off.</summary>
    OutOfRollout = 4,
}
