namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// The allocation policy, pure (no I/O): which candidates are eligible and how they rank. Both stores load the
/// candidates and then call this, so they choose the same IP for the same data.
/// </summary>
/// <remarks>
/// Ranking, best first, each key breaking the ties of the one before:
/// (1) fewest of the domain's assignments on the candidate's VPS instance (<see cref="IpAllocationOptions.SpreadAcrossVpsInstances"/>);
/// (2) fewest of the domain's assignments in the candidate's region (<see cref="IpAllocationOptions.SpreadAcrossRegions"/>);
/// (3) status, in the order of <see cref="IpAllocationOptions.StatusPreference"/>;
/// (4) reputation: good, fair, not checked, poor, critical (<see cref="IpAllocationOptions.PreferGoodReputation"/>);
/// (5) fewest assignments (<c>assigned_count</c>);
/// (6) the id, in PostgreSQL uuid order, so the choice is deterministic.
/// </remarks>
public static class IpAllocationPolicy
{
    /// <summary>Why <paramref name="candidate"/> cannot be given to the domain, or null when it can.</summary>
    /// <param name="candidate">The candidate.</param>
    /// <param name="options">The policy.</param>
    /// <param name="request">The request, for its exclusions; null for none.</param>
    public static IpIneligibility? Check(IpCandidate candidate, IpAllocationOptions options, IpAllocationRequest? request = null)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(options);
        if (!SmtpIpAddressLifecycle.IsAssignable(candidate.Status))
        {
            return IpIneligibility.StatusNotAssignable;
        }

        if (request is not null && (IsExcludedIp(request, candidate.Id) || IsExcludedVps(request, candidate.VpsInstanceId) || !IsAllowedIp(request, candidate.Id)))
        {
            return IpIneligibility.ExcludedByRequest;
        }

        if (options.RequireActiveVps && candidate.VpsStatus != VpsInstanceStatus.Active)
        {
            return IpIneligibility.VpsNotActive;
        }

        if (candidate.ReputationState is { } rs && options.ExcludedReputationStates.Contains(rs))
        {
            return IpIneligibility.ExcludedReputation;
        }

        if (candidate.HeldByDomain)
        {
            return IpIneligibility.AlreadyHeldByDomain;
        }

        return candidate.AssignedCount >= options.MaxAssignmentsPerIp ? IpIneligibility.AtCapacity : null;
    }

    /// <summary>The eligible candidates of <paramref name="candidates"/>, best first (see the remarks of <see cref="IpAllocationPolicy"/>).</summary>
    /// <param name="candidates">The candidates.</param>
    /// <param name="options">The policy.</param>
    /// <param name="request">The request, for its exclusions; null for none.</param>
    public static IReadOnlyList<IpCandidate> Rank(IEnumerable<IpCandidate> candidates, IpAllocationOptions options, IpAllocationRequest? request = null) =>
        Select(candidates, options, request).Ranked;

    /// <summary>Ranks and counts: the eligible candidates best first, and how many were turned away for each reason.</summary>
    internal static IpSelection Select(IEnumerable<IpCandidate> candidates, IpAllocationOptions options, IpAllocationRequest? request)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(options);
        var eligible = new List<IpCandidate>();
        var excluded = new Dictionary<IpIneligibility, int>();
        var total = 0;
        foreach (var c in candidates)
        {
            total++;
            if (Check(c, options, request) is { } why)
            {
                excluded[why] = excluded.GetValueOrDefault(why) + 1;
            }
            else
            {
                eligible.Add(c);
            }
        }

        eligible.Sort((a, b) => Compare(a, b, options));
        return new IpSelection(eligible, excluded, total);
    }

    /// <summary>Orders two eligible candidates: negative when <paramref name="a"/> is preferred.</summary>
    internal static int Compare(IpCandidate a, IpCandidate b, IpAllocationOptions options)
    {
        int c;
        if (options.SpreadAcrossVpsInstances && (c = a.DomainAssignmentsOnVps.CompareTo(b.DomainAssignmentsOnVps)) != 0)
        {
            return c;
        }

        if (options.SpreadAcrossRegions && (c = a.DomainAssignmentsInRegion.CompareTo(b.DomainAssignmentsInRegion)) != 0)
        {
            return c;
        }

        if ((c = StatusRank(a.Status, options).CompareTo(StatusRank(b.Status, options))) != 0)
        {
            return c;
        }

        if (options.PreferGoodReputation && (c = ReputationRank(a.ReputationState).CompareTo(ReputationRank(b.ReputationState))) != 0)
        {
            return c;
        }

        return (c = a.AssignedCount.CompareTo(b.AssignedCount)) != 0 ? c : ContinuationToken.CompareUuid(a.Id.Value, b.Id.Value);
    }

    /// <summary>The position of <paramref name="status"/> in the preference list; unlisted statuses after every listed one.</summary>
    internal static int StatusRank(SmtpIpAddressStatus status, IpAllocationOptions options)
    {
        var i = options.StatusPreference.IndexOf(status);
        return i < 0 ? options.StatusPreference.Count : i;
    }

    /// <summary>good 0, fair 1, not checked 2, poor 3, critical 4.</summary>
    internal static int ReputationRank(ReputationState? state) =>
        state switch
        {
            ReputationState.Good => 0,
            ReputationState.Fair => 1,
            null => 2,
            ReputationState.Poor => 3,
            _ => 4,
        };

    /// <summary>
    /// Builds the candidates from the assignable IP rows and the domain's non-expired holdings (IP, VPS, region).
    /// Both stores load exactly these two lists.
    /// </summary>
    internal static List<IpCandidate> BuildCandidates(IEnumerable<IpPoolRow> rows, IReadOnlyCollection<DomainHolding> holdings)
    {
        var held = new HashSet<SmtpIpAddressId>();
        var perVps = new Dictionary<VpsInstanceId, int>();
        var perRegion = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var h in holdings)
        {
            held.Add(h.IpId);
            if (h.VpsInstanceId is { } v)
            {
                perVps[v] = perVps.GetValueOrDefault(v) + 1;
            }

            if (h.Region is { } r)
            {
                perRegion[r] = perRegion.GetValueOrDefault(r) + 1;
            }
        }

        var list = new List<IpCandidate>();
        foreach (var row in rows)
        {
            list.Add(new IpCandidate(
                row.Id,
                row.VpsInstanceId,
                row.Region,
                row.VpsStatus,
                row.Status,
                row.ReputationState,
                row.AssignedCount,
                held.Contains(row.Id),
                row.VpsInstanceId is { } v ? perVps.GetValueOrDefault(v) : 0,
                row.Region is { } r ? perRegion.GetValueOrDefault(r) : 0));
        }

        return list;
    }

    private static bool IsExcludedIp(IpAllocationRequest request, SmtpIpAddressId id) => request.ExcludeIps?.Contains(id) == true;

    private static bool IsExcludedVps(IpAllocationRequest request, VpsInstanceId? vps) =>
        vps is { } v && request.ExcludeVpsInstances?.Contains(v) == true;

    private static bool IsAllowedIp(IpAllocationRequest request, SmtpIpAddressId id) => request.OnlyIps is null || request.OnlyIps.Contains(id);
}

/// <summary>The outcome of ranking: the eligible candidates best first, and the count turned away per reason.</summary>
internal sealed record IpSelection(List<IpCandidate> Ranked, Dictionary<IpIneligibility, int> Excluded, int Considered)
{
    public int AtCapacity => Excluded.GetValueOrDefault(IpIneligibility.AtCapacity);
}

/// <summary>One IP in an assignable status, as a store loads it for the policy.</summary>
internal sealed record IpPoolRow(
    SmtpIpAddressId Id,
    VpsInstanceId? VpsInstanceId,
    string? Region,
    VpsInstanceStatus? VpsStatus,
    SmtpIpAddressStatus Status,
    ReputationState? ReputationState,
    int AssignedCount
);

/// <summary>One non-expired assignment the domain holds: the IP and where it is.</summary>
internal sealed record DomainHolding(SmtpIpAddressId IpId, VpsInstanceId? VpsInstanceId, string? Region);
