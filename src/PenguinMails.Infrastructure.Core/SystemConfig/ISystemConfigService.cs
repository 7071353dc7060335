using System.Text.Json;

namespace PenguinMails.Infrastructure.Core.SystemConfig;

/// <summary>
/// Typed reads and writes of <c>system_config</c> on behalf of a user. Every read requires <c>system_config.read</c>;
/// a sensitive value (<see cref="SystemConfigEntry.IsSensitive"/>) is returned unmasked
/// only to a holder of <c>system_config.read_sensitive</c>. Writing requires <c>system_config.manage</c> and records the
/// writer in <c>updated_by</c>. No value ever reaches a log message or an exception message. Application code that
/// reads configuration for itself (no user involved) uses <see cref="ISystemConfigRepository"/> directly.
/// </summary>
public interface ISystemConfigService
{
    /// <summary>
    /// The value of <paramref name="key"/> read as <typeparamref name="T"/>, or default when the key does not exist or
    /// its value is JSON null.
    /// </summary>
    /// <typeparam name="T">The type to read the JSON value as.</typeparam>
    /// <param name="actor">The user reading.</param>
    /// <param name="key">The key.</param>
    /// <param name="options">Serializer options, or null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PermissionDeniedException">The reader lacks <c>system_config.read</c>, or the entry is sensitive and the reader lacks <c>system_config.read_sensitive</c>.</exception>
    /// <exception cref="ConfigValueFormatException">The JSON does not have the shape of <typeparamref name="T"/> (names the key, never the value).</exception>
    Task<T?> GetValueAsync<T>(UserId actor, string key, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The entry of <paramref name="key"/>, or null. A sensitive entry comes back with its value replaced by the JSON
    /// string <see cref="SystemConfigEntry.MaskedValue"/> unless the reader holds <c>system_config.read_sensitive</c>:
    /// listings and admin screens never fail on a secret, they just do not show it.
    /// </summary>
    /// <param name="actor">The user reading.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PermissionDeniedException">The reader lacks <c>system_config.read</c>.</exception>
    Task<SystemConfigEntry?> GetEntryAsync(UserId actor, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the value of <paramref name="key"/> (inserting the entry if needed), recording <paramref name="actor"/> in
    /// <c>updated_by</c>. Description, category and sensitivity of an existing entry are kept unless given.
    /// </summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="actor">The user writing.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value, serialized to JSON.</param>
    /// <param name="isSensitive">Whether the entry is sensitive, or null to keep it (false for a new entry).</param>
    /// <param name="options">Serializer options, or null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry as stored (its <c>ToString</c> masks a sensitive value).</returns>
    /// <exception cref="PermissionDeniedException">The writer lacks <c>system_config.manage</c>.</exception>
    /// <exception cref="EntityValidationException">The key or value breaks a rule.</exception>
    Task<SystemConfigEntry> SetValueAsync<T>(UserId actor, string key, T value, bool? isSensitive = null, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The Stripe account id (<see cref="SystemConfigKeys.StripeAccountId"/>), or null when not set.</summary>
    /// <param name="actor">The user reading.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="PermissionDeniedException">The reader lacks <c>system_config.read</c>, or <c>system_config.read_sensitive</c> for a sensitive entry.</exception>
    /// <exception cref="ConfigValueFormatException">The stored value is not a JSON string.</exception>
    Task<string?> GetStripeAccountIdAsync(UserId actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the Stripe account id, stored as a sensitive JSON string. It must look like a Stripe account id:
    /// <c>acct_</c> followed by 1–250 ASCII letters and digits.
    /// </summary>
    /// <param name="actor">The user writing.</param>
    /// <param name="accountId">The account id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry as stored.</returns>
    /// <exception cref="PermissionDeniedException">The writer lacks <c>system_config.manage</c>.</exception>
    /// <exception cref="EntityValidationException">The id does not look like a Stripe account id (the message does not repeat it).</exception>
    Task<SystemConfigEntry> SetStripeAccountIdAsync(UserId actor, string accountId, CancellationToken cancellationToken = default);
}
