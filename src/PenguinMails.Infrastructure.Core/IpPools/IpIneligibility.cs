namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>Why an IP cannot be given to a domain, in the order the policy checks.</summary>
public enum IpIneligibility
{
    /// <summary>The IP's status is not assignable (degraded, quarantined, burned).</summary>
    StatusNotAssignable = 1,

    /// <summary>The request excluded the IP or its VPS instance.</summary>
    ExcludedByRequest = 2,

    /// <summary>The IP has no VPS instance, or the instance is not <c>active</c> (with <see cref="IpAllocationOptions.RequireActiveVps"/>).</summary>
    VpsNotActive = 3,

    /// <summary>The IP's reputation is in <see cref="IpAllocationOptions.ExcludedReputationStates"/>.</summary>
    ExcludedReputation = 4,

    /// <summary>The domain already holds a non-expired assignment to the IP (the schema allows one per domain and IP).</summary>
    AlreadyHeldByDomain = 5,

    /// <summary>The IP holds <see cref="IpAllocationOptions.MaxAssignmentsPerIp"/> assignments already: eligible, but busy.</summary>
    AtCapacity = 6,
}
