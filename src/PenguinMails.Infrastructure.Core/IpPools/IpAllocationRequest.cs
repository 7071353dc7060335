namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>What to allocate: an IP for one domain, with optional exclusions.</summary>
/// <param name="DomainId">The domain (a host <c>domains</c> row).</param>
public sealed record IpAllocationRequest(DomainId DomainId)
{
    /// <summary>
    /// When the new assignment ends (UTC, after the time of the allocation); null for
    /// <see cref="IpAllocationOptions.DefaultAssignmentDuration"/> (open-ended by default).
    /// </summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>IPs that must not be chosen; null for none.</summary>
    public IReadOnlyCollection<SmtpIpAddressId>? ExcludeIps { get; init; }

    /// <summary>VPS instances whose IPs must not be chosen (a decommission moves assignments off one); null for none.</summary>
    public IReadOnlyCollection<VpsInstanceId>? ExcludeVpsInstances { get; init; }

    /// <summary>When set, only these IPs may be chosen (a decommission plan's target); null for any.</summary>
    public IReadOnlyCollection<SmtpIpAddressId>? OnlyIps { get; init; }
}
