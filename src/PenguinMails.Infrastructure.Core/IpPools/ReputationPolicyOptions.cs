namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Thresholds of the reputation policy (<see cref="ReputationPolicy"/>); configure with
/// <c>services.Configure&lt;ReputationPolicyOptions&gt;(...)</c> or bind a configuration section. Validated at start,
/// every invalid value reported at once (<see cref="Validate"/>).
/// </summary>
public sealed class ReputationPolicyOptions
{
    /// <summary>The default of <see cref="BurnAfter"/>: 14 days.</summary>
    public static readonly TimeSpan DefaultBurnAfter = TimeSpan.FromDays(14);

    /// <summary>The reputation at or below which an IP is degraded (<c>poor</c> by default); <c>fair</c>, <c>poor</c> or <c>critical</c>.</summary>
    public ReputationState DegradeAt { get; set; } = ReputationState.Poor;

    /// <summary>The reputation at or below which an IP is quarantined (<c>critical</c> by default); not better than <see cref="DegradeAt"/>.</summary>
    public ReputationState QuarantineAt { get; set; } = ReputationState.Critical;

    /// <summary>Whether a listing at a major mailbox provider (<see cref="MajorMailboxProviders"/>) quarantines the IP; true by default.</summary>
    public bool QuarantineOnMajorProviderListing { get; set; } = true;

    /// <summary>
    /// The mailbox providers whose listing quarantines; null (the default) means <see cref="KnownMailboxProviders.Major"/>
    /// (gmail, outlook, yahoo). Keys are compared without regard to case.
    /// </summary>
    public IList<string>? MajorMailboxProviders { get; set; }

    /// <summary>
    /// Whether any other listing (a blacklist service such as Spamhaus, or another mailbox provider) degrades the IP;
    /// true by default.
    /// </summary>
    public bool DegradeOnOtherListing { get; set; } = true;

    /// <summary>
    /// How long an IP may stay <c>degraded</c> or <c>quarantined</c> while still bad before it is burned, 1 hour..365
    /// days; 14 days by default. Measured from the IP's <c>updated</c> (see <c>docs/ip-pools.md</c>).
    /// </summary>
    public TimeSpan BurnAfter { get; set; } = DefaultBurnAfter;

    /// <summary>The providers that quarantine: <see cref="MajorMailboxProviders"/> or the well-known major ones.</summary>
    internal IReadOnlyList<string> EffectiveMajorProviders => MajorMailboxProviders is { } list ? list.ToArray() : KnownMailboxProviders.Major;

    /// <summary>Every broken rule, as messages naming the option; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(DegradeAt) || DegradeAt == ReputationState.Good)
        {
            failures.Add("ReputationPolicy:DegradeAt must be 'fair', 'poor' or 'critical'.");
        }

        if (!Enum.IsDefined(QuarantineAt) || QuarantineAt == ReputationState.Good)
        {
            failures.Add("ReputationPolicy:QuarantineAt must be 'fair', 'poor' or 'critical'.");
        }
        else if (Enum.IsDefined(DegradeAt) && QuarantineAt < DegradeAt)
        {
            failures.Add("ReputationPolicy:QuarantineAt must not be a better reputation than ReputationPolicy:DegradeAt.");
        }

        if (BurnAfter < TimeSpan.FromHours(1) || BurnAfter > TimeSpan.FromDays(365))
        {
            failures.Add("ReputationPolicy:BurnAfter must be between 1 hour and 365 days.");
        }

        if (MajorMailboxProviders is { } providers && providers.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("ReputationPolicy:MajorMailboxProviders must not hold an empty name.");
        }

        return failures;
    }
}
