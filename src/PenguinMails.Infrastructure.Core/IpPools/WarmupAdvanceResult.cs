namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>The outcome of <see cref="IWarmupService.AdvanceCompletedAsync"/>.</summary>
/// <param name="AssignmentsWarmed">Assignments moved from warmup state <c>warming</c> to <c>warmed</c>, as stored.</param>
/// <param name="IpsWarmed">IPs moved from <c>warming</c> to <c>warmed</c>, as stored.</param>
/// <param name="LostRaces">Moves not made because the row changed (or vanished) since it was read.</param>
public sealed record WarmupAdvanceResult(
    IReadOnlyList<DomainIpAssignment> AssignmentsWarmed,
    IReadOnlyList<SmtpIpAddress> IpsWarmed,
    IReadOnlyList<WarmupLostRace> LostRaces);
