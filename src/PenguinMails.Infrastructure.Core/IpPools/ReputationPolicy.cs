namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// The reputation policy as a pure function: from an IP's <c>status</c>, <c>reputation_state</c>,
/// <c>provider_blacklist_status</c> and <c>updated</c>, the lifecycle move to make, if any. No I/O.
/// </summary>
/// <remarks>
/// <para>How bad an IP is: <b>quarantine-bad</b> when its reputation is at or below
/// <see cref="ReputationPolicyOptions.QuarantineAt"/> or a major mailbox provider lists it (when
/// <see cref="ReputationPolicyOptions.QuarantineOnMajorProviderListing"/>); else <b>degrade-bad</b> when its reputation
/// is at or below <see cref="ReputationPolicyOptions.DegradeAt"/> or anything else lists it (when
/// <see cref="ReputationPolicyOptions.DegradeOnOtherListing"/>); else <b>healthy</b> when a reputation is known;
/// else <b>unknown</b> (never checked), which recommends nothing.</para>
/// <para>Moves: available, assigned, warming, warmed → quarantined when quarantine-bad; assigned, warming, warmed →
/// degraded when degrade-bad (available has no move to degraded, so a degrade-bad available IP is quarantined to keep
/// it out of the pool); degraded → quarantined when quarantine-bad; degraded or quarantined and still bad (either level)
/// for <see cref="ReputationPolicyOptions.BurnAfter"/> since <c>updated</c> → burned; degraded and healthy → warmed;
/// quarantined and healthy → warming (the lifecycle has no quarantined → warmed, and an IP out of quarantine rebuilds
/// its reputation). Burned is terminal.</para>
/// </remarks>
public static class ReputationPolicy
{
    /// <summary>The move to make for <paramref name="ip"/> at <paramref name="now"/>, or null when none.</summary>
    /// <param name="ip">The IP.</param>
    /// <param name="options">The thresholds (valid).</param>
    /// <param name="now">The current time.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static ReputationRecommendation? Recommend(SmtpIpAddress ip, ReputationPolicyOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        return RecommendValidated(ip, options, options.EffectiveMajorProviders, now);
    }

    /// <summary>The moves to make for <paramref name="ips"/> at <paramref name="now"/>, in the order given; IPs needing none are left out.</summary>
    /// <param name="ips">The IPs.</param>
    /// <param name="options">The thresholds (valid).</param>
    /// <param name="now">The current time.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static IReadOnlyList<ReputationRecommendation> RecommendAll(IEnumerable<SmtpIpAddress> ips, ReputationPolicyOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ips);
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        var providers = options.EffectiveMajorProviders;
        var result = new List<ReputationRecommendation>();
        foreach (var ip in ips)
        {
            if (RecommendValidated(ip, options, providers, now) is { } recommendation)
            {
                result.Add(recommendation);
            }
        }

        return result;
    }

    private static ReputationRecommendation? RecommendValidated(SmtpIpAddress ip, ReputationPolicyOptions options, IReadOnlyList<string> majors, DateTimeOffset now)
    {
        var (level, reason, why) = Assess(ip, options, majors);
        var status = ip.Status;
        if (status == SmtpIpAddressStatus.Burned || level == Level.Unknown)
        {
            return null;
        }

        var inStatusFor = now - ip.Updated;
        var stillBadTooLong = level != Level.Healthy && inStatusFor >= options.BurnAfter;
        var from = status.ToDatabaseValue();
        switch (status)
        {
            case SmtpIpAddressStatus.Available or SmtpIpAddressStatus.Assigned or SmtpIpAddressStatus.Warming or SmtpIpAddressStatus.Warmed:
                if (level == Level.Quarantine)
                {
                    return Make(ip, SmtpIpAddressStatus.Quarantined, reason, why);
                }

                if (level == Level.Degrade)
                {
                    return status == SmtpIpAddressStatus.Available
                        ? Make(ip, SmtpIpAddressStatus.Quarantined, reason, why + "; 'available' has no move to 'degraded', so it is quarantined to keep it out of the pool")
                        : Make(ip, SmtpIpAddressStatus.Degraded, reason, why);
                }

                return null;

            case SmtpIpAddressStatus.Degraded:
                if (level == Level.Healthy)
                {
                    return Make(ip, SmtpIpAddressStatus.Warmed, ReputationMoveReason.Recovered, why);
                }

                if (stillBadTooLong)
                {
                    return Make(ip, SmtpIpAddressStatus.Burned, ReputationMoveReason.StillBad, StillBad(from, inStatusFor, options, why));
                }

                return level == Level.Quarantine ? Make(ip, SmtpIpAddressStatus.Quarantined, reason, why) : null;

            case SmtpIpAddressStatus.Quarantined:
                if (level == Level.Healthy)
                {
                    return Make(ip, SmtpIpAddressStatus.Warming, ReputationMoveReason.Recovered, why + "; out of quarantine the IP warms up again");
                }

                return stillBadTooLong ? Make(ip, SmtpIpAddressStatus.Burned, ReputationMoveReason.StillBad, StillBad(from, inStatusFor, options, why)) : null;

            default:
                return null;
        }
    }

    private static string StillBad(string from, TimeSpan inStatusFor, ReputationPolicyOptions options, string why) =>
        $"'{from}' for {inStatusFor.TotalHours:0.#} h since the row was last updated (limit {options.BurnAfter.TotalHours:0.#} h) and still bad: {why}";

    private static ReputationRecommendation Make(SmtpIpAddress ip, SmtpIpAddressStatus to, ReputationMoveReason reason, string why)
    {
        // The policy only ever recommends moves the lifecycle allows; a table edit that breaks this fails the unit tests.
        System.Diagnostics.Debug.Assert(SmtpIpAddressLifecycle.Definition.CanTransition(ip.Status, to), "policy recommends a lifecycle move");
        return new ReputationRecommendation(ip, to, reason, why);
    }

    private static (Level Level, ReputationMoveReason Reason, string Why) Assess(SmtpIpAddress ip, ReputationPolicyOptions options, IReadOnlyList<string> majors)
    {
        var reputation = ip.ReputationState;
        var listings = ip.ProviderBlacklistStatus;
        var repText = reputation is { } r ? $"reputation '{r.ToDatabaseValue()}'" : "reputation not checked";
        if (reputation is { } critical && critical >= options.QuarantineAt)
        {
            return (Level.Quarantine, ReputationMoveReason.CriticalReputation, repText);
        }

        var majorListed = listings is null
            ? []
            : majors.Where(p => listings.MailboxProviders.TryGetValue(p, out var l) && l is { Listed: true }).ToArray();
        if (options.QuarantineOnMajorProviderListing && majorListed.Length > 0)
        {
            return (Level.Quarantine, ReputationMoveReason.ListedAtMajorProvider, $"listed at {string.Join(", ", majorListed)}; {repText}");
        }

        if (reputation is { } poor && poor >= options.DegradeAt)
        {
            return (Level.Degrade, ReputationMoveReason.PoorReputation, repText);
        }

        var otherListed = listings is null
            ? []
            : listings.MailboxProviders.Concat(listings.Blacklists)
                .Where(kv => kv.Value is { Listed: true })
                .Select(kv => kv.Key)
                .Where(k => !options.QuarantineOnMajorProviderListing || !majors.Contains(k, StringComparer.OrdinalIgnoreCase))
                .ToArray();
        if (options.DegradeOnOtherListing && otherListed.Length > 0)
        {
            return (Level.Degrade, ReputationMoveReason.Listed, $"listed at {string.Join(", ", otherListed)}; {repText}");
        }

        return reputation is null ? (Level.Unknown, ReputationMoveReason.Recovered, repText) : (Level.Healthy, ReputationMoveReason.Recovered, repText + ", no listing that counts");
    }

    private enum Level
    {
        Unknown,
        Healthy,
        Degrade,
        Quarantine,
    }
}
