namespace PenguinMails.Infrastructure.Core.Preferences;

/// <summary>
/// A row of <c>user_preferences</c>: one user's display and notification settings. An immutable snapshot; change it
/// with <c>with</c> and write it through a repository.
/// </summary>
public sealed record UserPreferences : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "user_preferences";

    /// <summary><c>id</c> UUID PRIMARY KEY.</summary>
    public UserPreferencesId Id { get; init; } = UserPreferencesId.New();

    /// <summary><c>user_id</c> UUID REFERENCES users(id): required (the schema adds a unique index, one row per user).</summary>
    public required UserId UserId { get; init; }

    /// <summary>
    /// <c>theme</c> VARCHAR(50) DEFAULT 'light': a lowercase token (letters, digits, <c>_</c>, <c>-</c>), for example
    /// <c>light</c> or <c>dark</c>.
    /// </summary>
    public string Theme { get; init; } = "light";

    /// <summary><c>language</c> VARCHAR(10) DEFAULT 'en': a BCP 47 language tag such as <c>en</c> or <c>pt-BR</c>.</summary>
    public string Language { get; init; } = "en";

    /// <summary><c>timezone</c> VARCHAR(100) DEFAULT 'UTC': an IANA time zone id such as <c>Europe/Paris</c>.</summary>
    public string Timezone { get; init; } = "UTC";

    /// <summary><c>email_notifications</c> BOOLEAN DEFAULT TRUE.</summary>
    public bool EmailNotifications { get; init; } = true;

    /// <summary><c>push_notifications</c> BOOLEAN DEFAULT TRUE.</summary>
    public bool PushNotifications { get; init; } = true;

    /// <summary><c>weekly_reports</c> BOOLEAN DEFAULT FALSE.</summary>
    public bool WeeklyReports { get; init; }

    /// <summary><c>marketing_emails</c> BOOLEAN DEFAULT FALSE.</summary>
    public bool MarketingEmails { get; init; }

    /// <summary><c>created</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on insert.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary><c>updated</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on every write.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <summary>The preferences a user has before changing anything: the seed's defaults.</summary>
    /// <param name="userId">The user.</param>
    public static UserPreferences Default(UserId userId) => new() { UserId = userId };

    /// <inheritdoc />
    public IReadOnlyList<FieldError> Validate() =>
        new FieldRules()
            .NotEmpty("id", Id.Value)
            .NotEmpty("user_id", UserId.Value)
            .Token("theme", Theme, 50, "theme")
            .NotNull("language", Language)
            .LanguageTag("language", Language, 10)
            .NotNull("timezone", Timezone)
            .IanaTimeZone("timezone", Timezone, 100)
            .Errors;
}
