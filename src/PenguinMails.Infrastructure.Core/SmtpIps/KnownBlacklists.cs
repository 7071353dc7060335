namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>
/// Well-known keys of <see cref="ProviderBlacklistStatus.Blacklists"/>. Any other key is allowed; keys are compared
/// without regard to case.
/// </summary>
public static class KnownBlacklists
{
    /// <summary><c>spamhaus</c>: the Spamhaus block lists (SBL, XBL, PBL).</summary>
    public const string Spamhaus = "spamhaus";

    /// <summary><c>spamcop</c>: the SpamCop block list.</summary>
    public const string SpamCop = "spamcop";

    /// <summary><c>barracuda</c>: the Barracuda reputation block list.</summary>
    public const string Barracuda = "barracuda";
}
