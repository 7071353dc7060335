namespace PenguinMails.Infrastructure.Core.Preferences;

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
