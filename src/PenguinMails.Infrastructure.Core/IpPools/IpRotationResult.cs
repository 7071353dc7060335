using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>What rotation did with one due assignment.</summary>
public enum IpRotationOutcome
{
    /// <summary>Expired; the domain still has another in-force assignment (or replacement is off).</summary>
    Expired = 1,

    /// <summary>Expired, and a replacement IP allocated in the same transaction (it was the domain's last in-force IP).</summary>
    Replaced = 2,

    /// <summary>Not expired: it is the domain's last in-force IP and no replacement fits (see <see cref="IpRotationMove.NoReplacementReason"/>).</summary>
    KeptNoReplacement = 3,

    /// <summary>
    /// Skipped: by the time it was expired it was already expired, gone, or no longer due. The package's stores lock the
    /// batch's rows first, so only an allocator of another store reports it.
    /// </summary>
    AlreadyHandled = 4,
}

/// <summary>One due assignment and what happened to it.</summary>
/// <param name="AssignmentId">The due assignment.</param>
/// <param name="DomainId">Its domain.</param>
/// <param name="IpId">Its IP.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="IpStatusBefore">The IP's status before (null when the assignment was not expired or names no IP).</param>
/// <param name="IpStatusAfter">The IP's status after (an <c>assigned</c> IP left without assignments is <c>available</c>).</param>
/// <param name="Replacement">The replacement allocation, for <see cref="IpRotationOutcome.Replaced"/>.</param>
/// <param name="NoReplacementReason">Why no replacement fitted, for <see cref="IpRotationOutcome.KeptNoReplacement"/>.</param>
public sealed record IpRotationMove(
    DomainIpAssignmentId AssignmentId,
    DomainId? DomainId,
    SmtpIpAddressId? IpId,
    IpRotationOutcome Outcome,
    SmtpIpAddressStatus? IpStatusBefore = null,
    SmtpIpAddressStatus? IpStatusAfter = null,
    IpAllocation? Replacement = null,
    IpPoolExhaustionReason? NoReplacementReason = null
);

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

/// <summary>Expires due domain-IP assignments. See <see cref="IpRotationService"/>.</summary>
public interface IIpRotationService
{
    /// <summary>
    /// Expires up to <see cref="IpRotationOptions.BatchSize"/> assignments whose <c>expires</c> has passed (at or before
    /// now, from the <see cref="TimeProvider"/>), one transaction each; idempotent: running it again finds nothing
    /// more to do for the same time.
    /// </summary>
    /// <param name="cancellationToken">Cancels the batch; moves already committed stay.</param>
    /// <returns>What was done.</returns>
    Task<IpRotationResult> RotateAsync(CancellationToken cancellationToken = default);
}
