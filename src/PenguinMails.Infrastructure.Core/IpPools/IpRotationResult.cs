namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>The result of one rotation batch.</summary>
/// <param name="At">The rotation's "now": assignments whose <c>expires</c> is at or before it were due.</param>
/// <param name="Moves">Every due assignment examined, in order of <c>expires</c>, then id.</param>
/// <param name="HasMore">More due assignments remain than the batch size allowed; call again.</param>
public sealed record IpRotationResult(DateTimeOffset At, IReadOnlyList<IpRotationMove> Moves, bool HasMore)
{
    /// <summary>How many due assignments were examined.</summary>
    public int Examined => Moves.Count;

    /// <summary>How many were expired (with or without a replacement).</summary>
    public int ExpiredCount => Moves.Count(m => m.Outcome is IpRotationOutcome.Expired or IpRotationOutcome.Replaced);

    /// <summary>How many replacements were allocated.</summary>
    public int ReplacedCount => Moves.Count(m => m.Outcome == IpRotationOutcome.Replaced);

    /// <summary>How many were kept because they were a domain's last IP and nothing could replace them.</summary>
    public int KeptCount => Moves.Count(m => m.Outcome == IpRotationOutcome.KeptNoReplacement);

    /// <summary>How many were skipped (already handled).</summary>
    public int SkippedCount => Moves.Count(m => m.Outcome == IpRotationOutcome.AlreadyHandled);

    /// <summary>The IPs that went back from <c>assigned</c> to <c>available</c>.</summary>
    public IReadOnlyList<SmtpIpAddressId> IpsReturnedToAvailable =>
        [.. Moves.Where(m => m is { IpStatusBefore: SmtpIpAddressStatus.Assigned, IpStatusAfter: SmtpIpAddressStatus.Available, IpId: not null }).Select(m => m.IpId!.Value).Distinct()];
}
