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

/// <summary>A user's preferences: the schema's defaults until the user changes something.</summary>
public interface IUserPreferencesService
{
    /// <summary>The user's preferences, or <see cref="UserPreferences.Default"/> (not stored) when the user has none.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<UserPreferences> GetAsync(UserId userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes only the members <paramref name="update"/> gives, creating the user's row from the defaults if needed.
    /// Validated before any write (theme token, BCP 47 language tag, IANA time zone; every failing field listed). A
    /// concurrent change to the same row is re-read and the update re-applied (up to three attempts).
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="update">The members to change.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The preferences as stored.</returns>
    /// <exception cref="EntityValidationException">A given value breaks a rule.</exception>
    /// <exception cref="ReferencedEntityMissingException">The user does not exist.</exception>
    /// <exception cref="ConcurrencyConflictException">The row kept changing during three attempts.</exception>
    Task<UserPreferences> UpdateAsync(UserId userId, UserPreferencesUpdate update, CancellationToken cancellationToken = default);
}

/// <summary>The package's <see cref="IUserPreferencesService"/>, over <see cref="IUserPreferencesRepository"/>.</summary>
/// <param name="repository">Reads and writes <c>user_preferences</c>.</param>
public sealed class UserPreferencesService(IUserPreferencesRepository repository) : IUserPreferencesService
{
    private const int Attempts = 3;
    private readonly IUserPreferencesRepository _repository = repository ?? throw new ArgumentNullException(nameof(repository));

    /// <inheritdoc />
    public async Task<UserPreferences> GetAsync(UserId userId, CancellationToken cancellationToken = default) =>
        await _repository.GetByUserIdAsync(userId, cancellationToken).ConfigureAwait(false) ?? UserPreferences.Default(userId);

    /// <inheritdoc />
    public async Task<UserPreferences> UpdateAsync(UserId userId, UserPreferencesUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        for (var attempt = 1; ; attempt++)
        {
            var current = await _repository.GetByUserIdAsync(userId, cancellationToken).ConfigureAwait(false);
            var changed = EntityValidation.EnsureValid(update.ApplyTo(current ?? UserPreferences.Default(userId)));
            try
            {
                return current is null
                    ? await _repository.AddAsync(changed, cancellationToken).ConfigureAwait(false)
                    : await _repository.UpdateAsync(changed, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < Attempts && ex is ConcurrencyConflictException or DuplicateEntityException)
            {
                // Someone else wrote the row between our read and our write: read again and re-apply.
            }
        }
    }
}
