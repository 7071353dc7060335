namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>Why the reputation policy recommends a move.</summary>
public enum ReputationMoveReason
{
    /// <summary><c>poor_reputation</c>: the reputation is at or below <see cref="ReputationPolicyOptions.DegradeAt"/>.</summary>
    PoorReputation = 1,

    /// <summary><c>critical_reputation</c>: the reputation is at or below <see cref="ReputationPolicyOptions.QuarantineAt"/>.</summary>
    CriticalReputation = 2,

    /// <summary><c>listed_at_major_provider</c>: a major mailbox provider lists the IP.</summary>
    ListedAtMajorProvider = 3,

    /// <summary><c>listed</c>: a blacklist service or another mailbox provider lists the IP.</summary>
    Listed = 4,

    /// <summary><c>still_bad</c>: degraded or quarantined for <see cref="ReputationPolicyOptions.BurnAfter"/> or longer and still bad.</summary>
    StillBad = 5,

    /// <summary><c>recovered</c>: the reputation is better than <see cref="ReputationPolicyOptions.DegradeAt"/> and nothing that counts lists the IP.</summary>
    Recovered = 6,
}
