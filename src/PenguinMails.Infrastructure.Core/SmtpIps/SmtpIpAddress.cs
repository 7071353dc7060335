namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>
/// A row of <c>smtp_ip_addresses</c>: one sending IP of a VPS instance, with its own status, reputation and blacklist
/// state. An immutable snapshot; change it with <c>with</c> (or <see cref="SmtpIpAddressLifecycle.Apply"/> for the
/// status) and write it through a repository.
/// </summary>
public sealed record SmtpIpAddress : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "smtp_ip_addresses";

    /// <summary><c>id</c>.</summary>
    public SmtpIpAddressId Id { get; init; } = SmtpIpAddressId.New();

    /// <summary><c>vps_instance_id</c>: the VPS the IP belongs to (deleting the VPS deletes its IPs); null when not attached.</summary>
    public VpsInstanceId? VpsInstanceId { get; init; }

    /// <summary><c>ip_address</c> VARCHAR(45) NOT NULL: an IPv4 or IPv6 address, in canonical form.</summary>
    public required string IpAddress { get; init; }

    /// <summary><c>status</c>; a new IP starts in <see cref="SmtpIpAddressStatus.Available"/>.</summary>
    public SmtpIpAddressStatus Status { get; init; } = SmtpIpAddressLifecycle.Definition.Initial;

    /// <summary><c>reputation_state</c>: the last assessed reputation; null before the first check.</summary>
    public ReputationState? ReputationState { get; init; }

    /// <summary><c>approximate_cost</c> DECIMAL(6,2), not negative: cost attributed to the IP for tenant cost analysis.</summary>
    public decimal? ApproximateCost { get; init; }

    /// <summary><c>last_reputation_check</c>, UTC: when <see cref="ReputationState"/> and <see cref="ProviderBlacklistStatus"/> were last checked.</summary>
    public DateTimeOffset? LastReputationCheck { get; init; }

    /// <summary><c>assigned_count</c> INTEGER DEFAULT 0, not negative: how many domains the IP is assigned to.</summary>
    public int AssignedCount { get; init; }

    /// <summary><c>provider_blacklist_status</c> JSONB: listings per mailbox provider and blacklist service; null before the first check.</summary>
    public ProviderBlacklistStatus? ProviderBlacklistStatus { get; init; }

    /// <summary><c>created</c>, UTC; set by the store on insert.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary><c>updated</c>, UTC; set by the store on every write.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <summary>Whether the IP may be given to a domain in its current status (see <see cref="SmtpIpAddressLifecycle.IsAssignable"/>).</summary>
    public bool IsAssignable => SmtpIpAddressLifecycle.IsAssignable(Status);

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="Created"/> and <see cref="Updated"/> are checked only when set (not the default value), since the
    /// store sets them.
    /// </remarks>
    public IReadOnlyList<FieldError> Validate()
    {
        var rules = new FieldRules()
            .NotEmpty("id", Id.Value)
            .NotEmpty("vps_instance_id", VpsInstanceId?.Value)
            .IpAddress("ip_address", IpAddress, required: true)
            .Defined("status", Status, SmtpIpAddressStatusExtensions.Map)
            .Defined("reputation_state", ReputationState, ReputationStateExtensions.Map)
            .Decimal("approximate_cost", ApproximateCost, 6, 2, nonNegative: true)
            .Utc("last_reputation_check", LastReputationCheck)
            .NonNegative("assigned_count", AssignedCount)
            .UtcIfSet("created", Created)
            .UtcIfSet("updated", Updated);
        ProviderBlacklistStatus?.Validate(rules);
        return rules.Errors;
    }
}
