namespace PenguinMails.Infrastructure.Core.IpPools;

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
