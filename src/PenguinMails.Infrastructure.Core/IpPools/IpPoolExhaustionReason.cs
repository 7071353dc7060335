namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>Why an allocation found no IP.</summary>
public enum IpPoolExhaustionReason
{
    /// <summary>
    /// No eligible IP exists for the domain: every IP is excluded by its status, its VPS instance, its reputation, the
    /// request, or is already held by the domain. Retrying does not help until the pool changes.
    /// </summary>
    NoEligibleIp = 1,

    /// <summary>
    /// Eligible IPs exist but every one is busy: at <see cref="IpAllocationOptions.MaxAssignmentsPerIp"/>, or (PostgreSQL
    /// only) locked by concurrent allocations through every attempt. Transient when some were locked.
    /// </summary>
    AllBusy = 2,
}
