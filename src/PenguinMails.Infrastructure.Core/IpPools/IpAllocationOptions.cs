using Microsoft.Extensions.Options;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// The allocation policy: which IPs may be given to a domain and in what order of preference. See
/// <see cref="IpAllocationPolicy"/> for the exact rules and <c>docs/ip-pools.md</c> for the defaults' reasoning.
/// </summary>
public sealed class IpAllocationOptions
{
    /// <summary>
    /// The most non-expired assignments one IP may hold (its <c>assigned_count</c> after the allocation). Default 10;
    /// 1..100000.
    /// </summary>
    public int MaxAssignmentsPerIp { get; set; } = 10;

    /// <summary>Only IPs of VPS instances in status <c>active</c> are eligible (an IP without a VPS never is). Default true.</summary>
    public bool RequireActiveVps { get; set; } = true;

    /// <summary>
    /// The order of preference of the assignable IP statuses, best first. Default: warmed, assigned, available, warming
    /// (an established IP first, a warming one last). Must list only assignable statuses, each once; an assignable
    /// status left out ranks after the listed ones.
    /// </summary>
    public IList<SmtpIpAddressStatus> StatusPreference { get; set; } =
        [SmtpIpAddressStatus.Warmed, SmtpIpAddressStatus.Assigned, SmtpIpAddressStatus.Available, SmtpIpAddressStatus.Warming];

    /// <summary>IPs whose <c>reputation_state</c> is in this set are not eligible. Default: critical.</summary>
    public ISet<ReputationState> ExcludedReputationStates { get; set; } = new HashSet<ReputationState> { ReputationState.Critical };

    /// <summary>Rank by reputation (good, fair, not yet checked, poor, critical). Default true.</summary>
    public bool PreferGoodReputation { get; set; } = true;

    /// <summary>
    /// Prefer IPs on VPS instances where the domain holds fewer non-expired assignments, so one domain's IPs spread over
    /// instances. Default true.
    /// </summary>
    public bool SpreadAcrossVpsInstances { get; set; } = true;

    /// <summary>Prefer IPs in regions (<c>vps_instances.region</c>) where the domain holds fewer non-expired assignments. Default true.</summary>
    public bool SpreadAcrossRegions { get; set; } = true;

    /// <summary>
    /// How many times one allocation re-reads the pool when every fitting IP is locked by concurrent allocations
    /// (PostgreSQL, <c>FOR UPDATE SKIP LOCKED</c>) before it reports <see cref="IpPoolExhaustionReason.AllBusy"/>. Default 3; 1..20.
    /// </summary>
    public int LockAttempts { get; set; } = 3;

    /// <summary>
    /// The lifetime of a new assignment when the request gives no <see cref="IpAllocationRequest.Expires"/>: null (the
    /// default) for open-ended assignments, else a positive duration from the time of the allocation.
    /// </summary>
    public TimeSpan? DefaultAssignmentDuration { get; set; }

    /// <summary>Every rule these options break; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (MaxAssignmentsPerIp is < 1 or > 100_000)
        {
            failures.Add("IpAllocation:MaxAssignmentsPerIp must be between 1 and 100000.");
        }

        if (LockAttempts is < 1 or > 20)
        {
            failures.Add("IpAllocation:LockAttempts must be between 1 and 20.");
        }

        if (StatusPreference is null)
        {
            failures.Add("IpAllocation:StatusPreference is required.");
        }
        else
        {
            if (StatusPreference.Any(s => !SmtpIpAddressLifecycle.IsAssignable(s)))
            {
                failures.Add("IpAllocation:StatusPreference may list only assignable statuses (available, assigned, warming, warmed).");
            }

            if (StatusPreference.Distinct().Count() != StatusPreference.Count)
            {
                failures.Add("IpAllocation:StatusPreference must not list a status twice.");
            }
        }

        if (ExcludedReputationStates is null)
        {
            failures.Add("IpAllocation:ExcludedReputationStates is required (empty to exclude none).");
        }

        if (DefaultAssignmentDuration is { } d && d <= TimeSpan.Zero)
        {
            failures.Add("IpAllocation:DefaultAssignmentDuration must be positive when set.");
        }

        return failures;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every failure, unless valid.</summary>
    internal IpAllocationOptions EnsureValid()
    {
        var failures = Validate();
        return failures.Count == 0 ? this : throw new OptionsValidationException(nameof(IpAllocationOptions), typeof(IpAllocationOptions), failures);
    }
}
