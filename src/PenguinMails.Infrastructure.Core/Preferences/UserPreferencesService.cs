namespace PenguinMails.Infrastructure.Core.Preferences;

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
