namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>The plans the warmup service chooses from: <see cref="WarmupPlan.Default"/> and those of <see cref="WarmupOptions.Plans"/>.</summary>
public sealed class WarmupPlanCatalog
{
    private readonly Dictionary<string, WarmupPlan> _plans;
    private readonly Func<DomainIpAssignment, string?>? _selector;

    /// <summary>Builds the catalog from <paramref name="options"/>, validating every plan.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="EntityValidationException">A plan breaks a rule (field names carry the plan name, such as <c>Plans[fast].daily_caps[day 2]</c>).</exception>
    /// <exception cref="EntityNotFoundException"><see cref="WarmupOptions.DefaultPlan"/> names no plan.</exception>
    public WarmupPlanCatalog(WarmupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<FieldError>();
        _plans = new Dictionary<string, WarmupPlan>(StringComparer.OrdinalIgnoreCase) { [WarmupPlan.DefaultName] = WarmupPlan.Default };
        foreach (var (name, caps) in options.Plans)
        {
            try
            {
                _plans[name] = WarmupPlan.Create(name, caps ?? []);
            }
            catch (EntityValidationException ex)
            {
                errors.AddRange(ex.Errors.Select(e => e with { Field = $"Plans[{name}].{e.Field}" }));
            }
        }

        if (errors.Count > 0)
        {
            throw new EntityValidationException(WarmupPlan.EntityName, errors);
        }

        DefaultPlan = Get(options.DefaultPlan ?? WarmupPlan.DefaultName);
        _selector = options.PlanSelector;
    }

    /// <summary>The plan used when none is named.</summary>
    public WarmupPlan DefaultPlan { get; }

    /// <summary>Every plan, by name.</summary>
    public IReadOnlyCollection<WarmupPlan> Plans => _plans.Values;

    /// <summary>The plan named <paramref name="name"/> (without regard to case).</summary>
    /// <param name="name">The plan name.</param>
    /// <exception cref="EntityNotFoundException">No plan has that name.</exception>
    public WarmupPlan Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _plans.TryGetValue(name, out var plan) ? plan : throw new EntityNotFoundException(WarmupPlan.EntityName, name);
    }

    /// <summary>
    /// The plan of <paramref name="assignment"/>: the one named by <paramref name="planName"/> when given, else the one
    /// <see cref="WarmupOptions.PlanSelector"/> names, else <see cref="DefaultPlan"/>.
    /// </summary>
    /// <param name="assignment">The assignment.</param>
    /// <param name="planName">An explicit plan name, or null.</param>
    /// <exception cref="EntityNotFoundException">The named plan does not exist.</exception>
    public WarmupPlan For(DomainIpAssignment assignment, string? planName = null)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var name = planName ?? _selector?.Invoke(assignment);
        return name is null ? DefaultPlan : Get(name);
    }
}
