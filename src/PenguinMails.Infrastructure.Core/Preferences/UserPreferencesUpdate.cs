namespace PenguinMails.Infrastructure.Core.Preferences;

/// <summary>A partial change of <see cref="UserPreferences"/>: null members are left as they are.</summary>
public sealed record UserPreferencesUpdate
{
    /// <summary>The theme token (for example <c>light</c>, <c>dark</c>), or null to keep it.</summary>
    public string? Theme { get; init; }

    /// <summary>A BCP 47 language tag (for example <c>en</c>, <c>pt-BR</c>), or null to keep it.</summary>
    public string? Language { get; init; }

    /// <summary>An IANA time zone id (for example <c>Europe/Lisbon</c>), or null to keep it.</summary>
    public string? Timezone { get; init; }

    /// <summary>Email notifications on or off, or null to keep.</summary>
    public bool? EmailNotifications { get; init; }

    /// <summary>Push notifications on or off, or null to keep.</summary>
    public bool? PushNotifications { get; init; }

    /// <summary>Weekly reports on or off, or null to keep.</summary>
    public bool? WeeklyReports { get; init; }

    /// <summary>Marketing emails on or off, or null to keep.</summary>
    public bool? MarketingEmails { get; init; }

    /// <summary><paramref name="current"/> with the given members applied. Pure.</summary>
    /// <param name="current">The preferences to change.</param>
    /// <returns>The changed preferences (not validated).</returns>
    public UserPreferences ApplyTo(UserPreferences current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current with
        {
            Theme = Theme ?? current.Theme,
            Language = Language ?? current.Language,
            Timezone = Timezone ?? current.Timezone,
            EmailNotifications = EmailNotifications ?? current.EmailNotifications,
            PushNotifications = PushNotifications ?? current.PushNotifications,
            WeeklyReports = WeeklyReports ?? current.WeeklyReports,
            MarketingEmails = MarketingEmails ?? current.MarketingEmails,
        };
    }
}
