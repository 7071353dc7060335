using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PenguinMails.Infrastructure.Core.SystemConfig;

/// <summary>The package's <see cref="ISystemConfigService"/>, over <see cref="ISystemConfigRepository"/> and <see cref="IPermissionChecker"/>.</summary>
public sealed class SystemConfigService : ISystemConfigService
{
    private static readonly SearchValues<char> AsciiAlphanumerics = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    private static readonly JsonElement Masked = JsonSerializer.SerializeToElement(SystemConfigEntry.MaskedValue);
    private readonly ISystemConfigRepository _repository;
    private readonly IPermissionChecker _permissions;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="repository">Reads and writes <c>system_config</c>.</param>
    /// <param name="permissions">Checks the reader's and writer's permissions.</param>
    /// <param name="logger">The logger; none when null.</param>
    public SystemConfigService(ISystemConfigRepository repository, IPermissionChecker permissions, ILogger<SystemConfigService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(permissions);
        _repository = repository;
        _permissions = permissions;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<T?> GetValueAsync<T>(UserId actor, string key, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await RequireAsync(actor, key, "read", WellKnownPermissions.SystemConfigRead, cancellationToken).ConfigureAwait(false);
        var entry = await _repository.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return default;
        }

        if (entry.IsSensitive)
        {
            await RequireAsync(actor, key, "read", WellKnownPermissions.SystemConfigReadSensitive, cancellationToken).ConfigureAwait(false);
            SystemConfigLog.SensitiveRead(_logger, key, actor);
        }

        try
        {
            return entry.GetValue<T>(options);
        }
        catch (ConfigValueFormatException)
        {
            SystemConfigLog.WrongShape(_logger, key, typeof(T).Name);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<SystemConfigEntry?> GetEntryAsync(UserId actor, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await RequireAsync(actor, key, "read", WellKnownPermissions.SystemConfigRead, cancellationToken).ConfigureAwait(false);
        var entry = await _repository.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is null || !entry.IsSensitive)
        {
            return entry;
        }

        if (await _permissions.HasPermissionAsync(actor, WellKnownPermissions.SystemConfigReadSensitive, cancellationToken).ConfigureAwait(false))
        {
            SystemConfigLog.SensitiveRead(_logger, key, actor);
            return entry;
        }

        return entry with { Value = Masked };
    }

    /// <inheritdoc />
    public async Task<SystemConfigEntry> SetValueAsync<T>(
        UserId actor,
        string key,
        T value,
        bool? isSensitive = null,
        JsonSerializerOptions? options = null,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(key);
        await RequireAsync(actor, key, "write", WellKnownPermissions.SystemConfigManage, cancellationToken).ConfigureAwait(false);
        var existing = await _repository.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var entry = new SystemConfigEntry
        {
            Key = key,
            Value = JsonSerializer.SerializeToElement(value, options),
            Description = existing?.Description,
            Category = existing?.Category,
            IsSensitive = isSensitive ?? existing?.IsSensitive ?? false,
            UpdatedBy = actor,
        };
        var stored = await _repository.UpsertAsync(entry, cancellationToken).ConfigureAwait(false);
        SystemConfigLog.Written(_logger, key, actor, stored.IsSensitive);
        return stored;
    }

    /// <inheritdoc />
    public Task<string?> GetStripeAccountIdAsync(UserId actor, CancellationToken cancellationToken = default) =>
        GetValueAsync<string>(actor, SystemConfigKeys.StripeAccountId, null, cancellationToken);

    /// <inheritdoc />
    public Task<SystemConfigEntry> SetStripeAccountIdAsync(UserId actor, string accountId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        if (!IsStripeAccountId(accountId))
        {
            throw new EntityValidationException(
                nameof(SystemConfigEntry),
                [new FieldError("value", "stripe_account_id", "must be 'acct_' followed by 1 to 250 ASCII letters and digits")]
            );
        }

        return SetValueAsync(actor, SystemConfigKeys.StripeAccountId, accountId, isSensitive: true, cancellationToken: cancellationToken);
    }

    /// <summary>Whether <paramref name="value"/> looks like a Stripe account id: <c>acct_</c> then 1–250 ASCII letters and digits.</summary>
    /// <param name="value">The candidate.</param>
    public static bool IsStripeAccountId(string? value) =>
        value is { Length: > 5 and <= 255 }
        && value.StartsWith("acct_", StringComparison.Ordinal)
        && !value.AsSpan(5).ContainsAnyExcept(AsciiAlphanumerics);

    private async Task RequireAsync(UserId userId, string key, string operation, string permission, CancellationToken cancellationToken)
    {
        if (!await _permissions.HasPermissionAsync(userId, permission, cancellationToken).ConfigureAwait(false))
        {
            SystemConfigLog.Denied(_logger, key, userId, operation, permission);
            InfraTelemetry.PermissionDenied();
            throw new PermissionDeniedException(userId, permission);
        }
    }
}
