namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>An IP that went unused long enough to need warming again (see <see cref="WarmupPlanner.IpsNeedingRewarm"/>).</summary>
/// <param name="Ip">The IP as read; its status is the one the apply step expects (compare-and-set).</param>
/// <param name="LastUsed">The latest <c>last_sent</c> of its assignments, or its <c>created</c> when <paramref name="NeverSent"/>.</param>
/// <param name="NeverSent">Whether no assignment of the IP has a <c>last_sent</c>.</param>
/// <param name="UnusedDays">Whole days since <paramref name="LastUsed"/>.</param>
/// <param name="CanApply">Whether the IP lifecycle allows the move to <c>warming</c> from the IP's status.</param>
/// <param name="Explanation">Why, in words, for logs and operators.</param>
public sealed record WarmupRewarmRecommendation(SmtpIpAddress Ip, DateTimeOffset LastUsed, bool NeverSent, int UnusedDays, bool CanApply, string Explanation);
