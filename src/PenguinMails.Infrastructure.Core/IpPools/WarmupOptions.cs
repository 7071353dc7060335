namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Options of the warmup service (<see cref="IWarmupService"/>); configure with
/// <c>services.Configure&lt;WarmupOptions&gt;(...)</c> or bind a configuration section. Validated at start, every
/// invalid value reported at once.
/// </summary>
public sealed class WarmupOptions
{
    /// <summary>The default of <see cref="RewarmAfterUnusedDays"/>: 30 days.</summary>
    public const int DefaultRewarmAfterUnusedDays = 30;

    /// <summary>
    /// Named plans besides the built-in <see cref="WarmupPlan.Default"/>: plan name → the caps of day 1, 2, ... (positive,
    /// non-decreasing). A plan named <c>default</c> here replaces the built-in one. Names are compared without regard to case.
    /// </summary>
    public Dictionary<string, List<int>> Plans { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The plan used when neither the caller nor <see cref="PlanSelector"/> names one; <c>default</c> by default.</summary>
    public string DefaultPlan { get; set; } = WarmupPlan.DefaultName;

    /// <summary>
    /// Chooses the plan of an assignment (for example by tenant tier): the name of a plan, or null for
    /// <see cref="DefaultPlan"/>. Null (the default) uses <see cref="DefaultPlan"/> for every assignment. A name the
    /// catalog does not hold fails the call with <see cref="EntityNotFoundException"/>.
    /// </summary>
    public Func<DomainIpAssignment, string?>? PlanSelector { get; set; }

    /// <summary>
    /// How many whole days an IP may go unused before it needs warming again, 1..365; 30 by default (SendGrid asks for
    /// a new warmup after 30 days without sending). "Unused" is measured from the latest <c>last_sent</c> of the IP's
    /// assignments (any status), or from the IP's <c>created</c> when none has sent.
    /// </summary>
    public int RewarmAfterUnusedDays { get; set; } = DefaultRewarmAfterUnusedDays;
}
