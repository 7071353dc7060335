namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>
/// Well-known keys of <see cref="ProviderBlacklistStatus.MailboxProviders"/>. Any other key is allowed; keys are
/// compared without regard to case.
/// </summary>
public static class KnownMailboxProviders
{
    /// <summary><c>gmail</c>: Google (Gmail, Google Workspace).</summary>
    public const string Gmail = "gmail";

    /// <summary><c>outlook</c>: Microsoft (Outlook.com, Hotmail, Microsoft 365).</summary>
    public const string Outlook = "outlook";

    /// <summary><c>yahoo</c>: Yahoo and AOL.</summary>
    public const string Yahoo = "yahoo";

    /// <summary>The major mailbox providers checked by <see cref="ProviderBlacklistStatus.IsListedAtMajorMailboxProvider"/>.</summary>
    public static IReadOnlyList<string> Major { get; } = [Gmail, Outlook, Yahoo];
}
