namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>A write the warmup service lost to a concurrent change (compare-and-set), or whose row was gone.</summary>
/// <param name="Entity">The entity, <c>SmtpIpAddress</c> or <c>DomainIpAssignment</c>.</param>
/// <param name="Id">The row's id.</param>
/// <param name="Reason">What happened, from the exception (no values beyond ids and statuses).</param>
public sealed record WarmupLostRace(string Entity, string Id, string Reason);
