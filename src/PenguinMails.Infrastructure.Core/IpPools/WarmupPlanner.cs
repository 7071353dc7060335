namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// The pure decisions of the warmup service: which assignments completed their plan, which IPs may then move from
/// <c>warming</c> to <c>warmed</c>, and which IPs went unused long enough to need warming again. No I/O, no clock:
/// the caller passes the rows and the current time.
/// </summary>
public static class WarmupPlanner
{
    /// <summary>
    /// Whether <paramref name="assignment"/> is not expired at <paramref name="now"/>: its status is not
    /// <c>expired</c> and its <c>expires</c> is empty or later than <paramref name="now"/>. Scheduled assignments count
    /// (they hold the IP). The same rule as the tenant cost report.
    /// </summary>
    /// <param name="assignment">The assignment.</param>
    /// <param name="now">The instant.</param>
    public static bool IsNotExpired(DomainIpAssignment assignment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return assignment.Status != DomainIpAssignmentStatus.Expired && (assignment.Expires is null || assignment.Expires > now);
    }

    /// <summary>
    /// The assignments whose warmup is complete and may move from warmup state <c>warming</c> to <c>warmed</c>: not
    /// expired, in warmup state <c>warming</c>, and every day of their plan has passed since <c>assigned</c>.
    /// </summary>
    /// <param name="assignments">The assignments to look at.</param>
    /// <param name="planFor">The plan of each assignment.</param>
    /// <param name="now">The current time.</param>
    public static IReadOnlyList<DomainIpAssignment> CompletedWarmups(
        IEnumerable<DomainIpAssignment> assignments,
        Func<DomainIpAssignment, WarmupPlan> planFor,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(planFor);
        return assignments
            .Where(a => a.WarmupState == WarmupState.Warming && IsNotExpired(a, now) && planFor(a).Evaluate(a, now).IsComplete)
            .ToList();
    }

    /// <summary>
    /// The IPs that may move from <c>warming</c> to <c>warmed</c>: in status <c>warming</c>, with at least one
    /// assignment that is not expired and whose warmup state is <c>warmed</c>, and none that is not expired and still
    /// <c>warming</c> (a domain still mid-plan keeps the IP warming).
    /// </summary>
    /// <param name="ips">The IPs to look at.</param>
    /// <param name="assignments">The assignments of those IPs (others are ignored).</param>
    /// <param name="now">The current time.</param>
    public static IReadOnlyList<SmtpIpAddress> IpsReadyToBeWarmed(
        IEnumerable<SmtpIpAddress> ips,
        IEnumerable<DomainIpAssignment> assignments,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ips);
        ArgumentNullException.ThrowIfNull(assignments);
        var byIp = assignments
            .Where(a => a.SmtpIpAddressId is not null && IsNotExpired(a, now))
            .ToLookup(a => a.SmtpIpAddressId!.Value);
        return ips
            .Where(ip => ip.Status == SmtpIpAddressStatus.Warming
                && byIp[ip.Id].Any(a => a.WarmupState == WarmupState.Warmed)
                && !byIp[ip.Id].Any(a => a.WarmupState == WarmupState.Warming))
            .ToList();
    }

    /// <summary>
    /// The IPs unused for at least <paramref name="unusedDays"/> whole days, which need warming again before they
    /// carry production volume. Looked at: IPs in <c>available</c>, <c>assigned</c>, <c>warmed</c> and <c>degraded</c>
    /// (<c>warming</c> is already warming; <c>quarantined</c> and <c>burned</c> belong to the reputation policy). Last
    /// use is the latest <c>last_sent</c> of the IP's assignments of any status, or the IP's <c>created</c> when none
    /// has sent. <see cref="WarmupRewarmRecommendation.CanApply"/> tells whether the IP lifecycle allows the move to
    /// <c>warming</c> from the IP's status (it does not from <c>warmed</c>).
    /// </summary>
    /// <param name="ips">The IPs to look at.</param>
    /// <param name="assignments">Their assignments (of any status).</param>
    /// <param name="unusedDays">The number of unused days after which an IP needs warming again, at least 1.</param>
    /// <param name="now">The current time.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unusedDays"/> is below 1.</exception>
    public static IReadOnlyList<WarmupRewarmRecommendation> IpsNeedingRewarm(
        IEnumerable<SmtpIpAddress> ips,
        IEnumerable<DomainIpAssignment> assignments,
        int unusedDays,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ips);
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentOutOfRangeException.ThrowIfLessThan(unusedDays, 1);
        var lastSent = assignments
            .Where(a => a.SmtpIpAddressId is not null && a.LastSent is not null)
            .GroupBy(a => a.SmtpIpAddressId!.Value)
            .ToDictionary(g => g.Key, g => g.Max(a => a.LastSent!.Value));
        var result = new List<WarmupRewarmRecommendation>();
        foreach (var ip in ips)
        {
            if (ip.Status is not (SmtpIpAddressStatus.Available or SmtpIpAddressStatus.Assigned or SmtpIpAddressStatus.Warmed or SmtpIpAddressStatus.Degraded))
            {
                continue;
            }

            var neverSent = !lastSent.TryGetValue(ip.Id, out var lastUsed);
            if (neverSent)
            {
                lastUsed = ip.Created;
            }

            var idleDays = (now - lastUsed).Ticks / TimeSpan.TicksPerDay;
            if (idleDays < unusedDays)
            {
                continue;
            }

            var canApply = SmtpIpAddressLifecycle.Definition.CanTransition(ip.Status, SmtpIpAddressStatus.Warming);
            var since = neverSent ? "has never sent (created " + lastUsed.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + ")"
                : "last sent " + lastUsed.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            var explanation = $"unused for {idleDays} days (limit {unusedDays}): {since}"
                + (canApply ? "" : $"; the IP lifecycle has no move from '{ip.Status.ToDatabaseValue()}' to 'warming', so it is reported, not applied");
            result.Add(new WarmupRewarmRecommendation(ip, lastUsed, neverSent, (int)Math.Min(idleDays, int.MaxValue), canApply, explanation));
        }

        return result;
    }
}
