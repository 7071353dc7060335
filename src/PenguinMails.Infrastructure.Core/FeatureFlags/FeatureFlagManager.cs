using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// The <see cref="IFeatureFlagManager"/>: permission check, then an optimistic update through
/// <see cref="IFeatureFlagRepository"/>, then the stored flag goes into the in-process snapshot.
/// </summary>
/// <remarks>
/// Each change sets one field to a value that does not depend on the previous one, so when another writer wins the
/// optimistic race the change is re-applied to the fresh row, at most <see cref="MaxAttempts"/> times in all; then the
/// <see cref="ConcurrencyConflictException"/> reaches the caller.
/// </remarks>
public sealed class FeatureFlagManager : IFeatureFlagManager
{
    /// <summary>How many times an update is tried when other writers keep changing the row.</summary>
    public const int MaxAttempts = 3;

    private readonly IFeatureFlagRepository _repository;
    private readonly IPermissionChecker _permissions;
    private readonly FeatureFlagSnapshotProvider _provider;
    private readonly ILogger _logger;

    /// <summary>Initializes a manager.</summary>
    /// <param name="repository">Where flags are stored.</param>
    /// <param name="permissions">Decides whether the acting user may manage flags.</param>
    /// <param name="provider">The in-process snapshot to update after each write.</param>
    /// <param name="logger">The logger, or null for none.</param>
    public FeatureFlagManager(IFeatureFlagRepository repository, IPermissionChecker permissions, FeatureFlagSnapshotProvider provider, ILogger<FeatureFlagManager>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(permissions);
        ArgumentNullException.ThrowIfNull(provider);
        _repository = repository;
        _permissions = permissions;
        _provider = provider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<FeatureFlag> CreateAsync(UserId actor, string flagKey, string? description = null, bool isEnabled = false, int rolloutPercentage = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flagKey);
        await _permissions.EnsurePermissionAsync(actor, WellKnownPermissions.FeatureFlagsManage, cancellationToken).ConfigureAwait(false);
        var stored = await _repository.AddAsync(
            new FeatureFlag { Key = flagKey, Description = description, IsEnabled = isEnabled, RolloutPercentage = rolloutPercentage, UpdatedBy = actor },
            cancellationToken).ConfigureAwait(false);
        await _provider.ApplyAsync(stored).ConfigureAwait(false);
        FeatureFlagLog.Changed(_logger, stored.Key, "created", actor);
        return stored;
    }

    /// <inheritdoc />
    public Task<FeatureFlag> UpdateDescriptionAsync(UserId actor, string flagKey, string? description, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, flagKey, "description changed", f => f with { Description = description }, cancellationToken);

    /// <inheritdoc />
    public Task<FeatureFlag> EnableAsync(UserId actor, string flagKey, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, flagKey, "enabled", f => f with { IsEnabled = true }, cancellationToken);

    /// <inheritdoc />
    public Task<FeatureFlag> DisableAsync(UserId actor, string flagKey, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, flagKey, "disabled", f => f with { IsEnabled = false }, cancellationToken);

    /// <inheritdoc />
    public Task<FeatureFlag> SetRolloutPercentageAsync(UserId actor, string flagKey, int rolloutPercentage, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rolloutPercentage);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rolloutPercentage, 100);
        return ChangeAsync(actor, flagKey, "rollout set to " + rolloutPercentage.ToString(System.Globalization.CultureInfo.InvariantCulture) + " %", f => f with { RolloutPercentage = rolloutPercentage }, cancellationToken);
    }

    private async Task<FeatureFlag> ChangeAsync(UserId actor, string flagKey, string change, Func<FeatureFlag, FeatureFlag> apply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flagKey);
        await _permissions.EnsurePermissionAsync(actor, WellKnownPermissions.FeatureFlagsManage, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var current = await _repository.GetByKeyAsync(flagKey, cancellationToken).ConfigureAwait(false)
                ?? throw new EntityNotFoundException(FeatureFlag.TableName, flagKey);
            try
            {
                var stored = await _repository.UpdateAsync(apply(current) with { UpdatedBy = actor }, cancellationToken).ConfigureAwait(false);
                await _provider.ApplyAsync(stored).ConfigureAwait(false);
                FeatureFlagLog.Changed(_logger, stored.Key, change, actor);
                return stored;
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                FeatureFlagLog.UpdateRetried(_logger, flagKey, attempt);
            }
        }
    }
}
