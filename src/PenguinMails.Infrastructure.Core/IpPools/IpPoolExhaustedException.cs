using System.Globalization;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>Thrown when no IP can be allocated to a domain. Nothing was written.</summary>
public sealed class IpPoolExhaustedException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="domainId">The domain.</param>
    /// <param name="reason">Why.</param>
    /// <param name="considered">The IPs in an assignable status that were considered.</param>
    /// <param name="excluded">How many were turned away, per reason (at capacity included).</param>
    /// <param name="locked">How many fitting IPs were locked by concurrent allocations at the last attempt (PostgreSQL).</param>
    public IpPoolExhaustedException(
        DomainId domainId,
        IpPoolExhaustionReason reason,
        int considered,
        IReadOnlyDictionary<IpIneligibility, int> excluded,
        int locked
    )
        : base(MessageOf(domainId, reason, considered, excluded, locked))
    {
        ArgumentNullException.ThrowIfNull(excluded);
        DomainId = domainId;
        Reason = reason;
        ConsideredCount = considered;
        Excluded = excluded;
        LockedCount = locked;
    }

    /// <summary>The domain that got no IP.</summary>
    public DomainId DomainId { get; }

    /// <summary>Whether no eligible IP exists, or all eligible ones are busy.</summary>
    public IpPoolExhaustionReason Reason { get; }

    /// <summary>How many IPs in an assignable status were considered.</summary>
    public int ConsideredCount { get; }

    /// <summary>How many were turned away, per reason.</summary>
    public IReadOnlyDictionary<IpIneligibility, int> Excluded { get; }

    /// <summary>How many eligible IPs at capacity were turned away.</summary>
    public int AtCapacityCount => Excluded.GetValueOrDefault(IpIneligibility.AtCapacity);

    /// <summary>How many fitting IPs were locked by concurrent allocations at the last attempt (always 0 in memory).</summary>
    public int LockedCount { get; }

    /// <summary>True when fitting IPs were only locked: a retry may succeed.</summary>
    public override bool IsTransient => Reason == IpPoolExhaustionReason.AllBusy && LockedCount > 0;

    private static string MessageOf(DomainId domainId, IpPoolExhaustionReason reason, int considered, IReadOnlyDictionary<IpIneligibility, int> excluded, int locked)
    {
        var why = reason == IpPoolExhaustionReason.NoEligibleIp
            ? "no eligible IP exists"
            : "every eligible IP is busy";
        var parts = excluded is null
            ? string.Empty
            : string.Join(", ", excluded.OrderBy(e => e.Key).Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}: {e.Value}")));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"No IP can be allocated to domain '{domainId}': {why} ({considered} IPs in an assignable status considered; turned away: {(parts.Length == 0 ? "none" : parts)}; locked by concurrent allocations: {locked}).");
    }
}
