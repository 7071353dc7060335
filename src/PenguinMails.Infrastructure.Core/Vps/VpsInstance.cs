namespace PenguinMails.Infrastructure.Core.Vps;

/// <summary>
/// A row of <c>vps_instances</c>: a Hostwinds VPS that hosts Mailu mail servers and SMTP IPs. An immutable snapshot;
/// change it with <c>with</c> and write it through a repository.
/// </summary>
public sealed record VpsInstance : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "vps_instances";

    /// <summary><c>id</c>.</summary>
    public VpsInstanceId Id { get; init; } = VpsInstanceId.New();

    /// <summary><c>hostwinds_instance_id</c> VARCHAR(255) UNIQUE: the provider's instance id.</summary>
    public string? HostwindsInstanceId { get; init; }

    /// <summary><c>ip_address</c> VARCHAR(45): the main IPv4 or IPv6 address, in canonical form.</summary>
    public string? IpAddress { get; init; }

    /// <summary><c>region</c> VARCHAR(50).</summary>
    public string? Region { get; init; }

    /// <summary><c>status</c>; a new instance starts in <see cref="VpsInstanceStatus.Provisioning"/>.</summary>
    public VpsInstanceStatus Status { get; init; } = VpsInstanceLifecycle.Definition.Initial;

    /// <summary><c>monthly_cost</c> DECIMAL(10,2), not negative.</summary>
    public decimal? MonthlyCost { get; init; }

    /// <summary><c>approximate_cost</c> DECIMAL(8,2), not negative: cost attributed for tenant cost analysis.</summary>
    public decimal? ApproximateCost { get; init; }

    /// <summary><c>hostwinds_billing_day</c>, 1..31: the day of the month the instance is billed.</summary>
    public int? HostwindsBillingDay { get; init; }

    /// <summary><c>current_billing_period_start</c>, UTC.</summary>
    public DateTimeOffset? CurrentBillingPeriodStart { get; init; }

    /// <summary><c>current_billing_period_end</c>, UTC.</summary>
    public DateTimeOffset? CurrentBillingPeriodEnd { get; init; }

    /// <summary><c>decommission_scheduled_for</c>, UTC: set exactly while the status is <c>scheduled_decommission</c>.</summary>
    public DateTimeOffset? DecommissionScheduledFor { get; init; }

    /// <summary><c>created</c>, UTC; set by the store on insert.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary><c>updated</c>, UTC; set by the store on every write.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <summary>
    /// The billing period that contains <paramref name="at"/>, from <see cref="HostwindsBillingDay"/>; null when the
    /// billing day is not known.
    /// </summary>
    /// <param name="at">The instant.</param>
    public BillingPeriod? BillingPeriodAt(DateTimeOffset at) =>
        HostwindsBillingDay is >= 1 and <= 31 ? BillingPeriod.Containing(HostwindsBillingDay.Value, at) : null;

    /// <inheritdoc />
    public IReadOnlyList<FieldError> Validate()
    {
        var rules = new FieldRules()
            .NotEmpty("id", Id.Value)
            .Text("hostwinds_instance_id", HostwindsInstanceId, 255, singleLine: true)
            .IpAddress("ip_address", IpAddress, required: false)
            .Text("region", Region, 50, singleLine: true)
            .Defined("status", Status, VpsInstanceStatusExtensions.Map)
            .Decimal("monthly_cost", MonthlyCost, 10, 2, nonNegative: true)
            .Decimal("approximate_cost", ApproximateCost, 8, 2, nonNegative: true)
            .Range("hostwinds_billing_day", HostwindsBillingDay, 1, 31)
            .Utc("current_billing_period_start", CurrentBillingPeriodStart)
            .Utc("current_billing_period_end", CurrentBillingPeriodEnd)
            .Utc("decommission_scheduled_for", DecommissionScheduledFor);
        if (
            CurrentBillingPeriodStart is { } start
            && CurrentBillingPeriodEnd is { } end
            && start != default
            && end != default
            && end <= start
        )
        {
            rules.Add("current_billing_period_end", "after_start", "current_billing_period_end must be after current_billing_period_start.");
        }

        if (Status == VpsInstanceStatus.ScheduledDecommission && DecommissionScheduledFor is null)
        {
            rules.Add("decommission_scheduled_for", "required", "decommission_scheduled_for is required while the status is 'scheduled_decommission'.");
        }
        else if (Status is VpsInstanceStatus.Active or VpsInstanceStatus.Provisioning && DecommissionScheduledFor is not null)
        {
            rules.Add("decommission_scheduled_for", "must_be_null", "decommission_scheduled_for must be empty unless the status is 'scheduled_decommission' or 'decommissioned'.");
        }

        return rules.Errors;
    }
}
