namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>A lifecycle move the reputation policy recommends for one IP.</summary>
/// <param name="Ip">The IP as read; its status is the one the apply step expects (compare-and-set).</param>
/// <param name="To">The recommended status; the IP lifecycle allows the move from <see cref="From"/>.</param>
/// <param name="Reason">Why.</param>
/// <param name="Explanation">Why, in words, for logs and operators (statuses, reputation, provider keys; no other values).</param>
public sealed record ReputationRecommendation(SmtpIpAddress Ip, SmtpIpAddressStatus To, ReputationMoveReason Reason, string Explanation)
{
    /// <summary>The IP's status as read.</summary>
    public SmtpIpAddressStatus From => Ip.Status;
}
