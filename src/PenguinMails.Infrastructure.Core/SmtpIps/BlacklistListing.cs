namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>
/// Whether an IP is listed by one mailbox provider (Gmail, Outlook, Yahoo, ...) or one blacklist service (Spamhaus,
/// ...), as last checked. One entry of <see cref="ProviderBlacklistStatus"/>.
/// </summary>
/// <param name="Listed">Whether the IP is listed (blocked, or flagged as a spam source).</param>
/// <param name="CheckedAt">When the listing was checked, UTC; null when not known.</param>
/// <param name="Detail">What the provider or service reported (listing reason, delisting link), at most 1000 characters.</param>
public sealed record BlacklistListing(bool Listed, DateTimeOffset? CheckedAt = null, string? Detail = null)
{
    /// <summary>The maximum length of <see cref="Detail"/>, in characters (Unicode code points).</summary>
    public const int MaxDetailLength = 1000;
}
