namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// Changes feature flags on behalf of a user: each call checks that the user holds
/// <see cref="Staff.WellKnownPermissions.FeatureFlagsManage"/> (deny by default), records the user in
/// <c>updated_by</c> and the time in <c>updated</c>, and makes the change visible to this process's evaluator at once.
/// </summary>
public interface IFeatureFlagManager
{
    /// <summary>Creates a flag.</summary>
    /// <param name="actor">The acting user.</param>
    /// <param name="flagKey">The new key (lowercase; it seeds the bucketing and cannot change later).</param>
    /// <param name="description">What the flag switches, or null.</param>
    /// <param name="isEnabled">Whether it starts enabled.</param>
    /// <param name="rolloutPercentage">The starting rollout, 0..100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The flag as stored.</returns>
    /// <exception cref="PermissionDeniedException">The user lacks <c>feature_flags.manage</c>; nothing is written.</exception>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="DuplicateEntityException">The key is taken.</exception>
    Task<FeatureFlag> CreateAsync(UserId actor, string flagKey, string? description = null, bool isEnabled = false, int rolloutPercentage = 0, CancellationToken cancellationToken = default);

    /// <summary>Replaces a flag's description.</summary>
    /// <param name="actor">The acting user.</param>
    /// <param name="flagKey">The flag's key.</param>
    /// <param name="description">The new description, or null to clear it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The flag as stored.</returns>
    /// <exception cref="PermissionDeniedException">The user lacks <c>feature_flags.manage</c>; nothing is written.</exception>
    /// <exception cref="EntityNotFoundException">No flag has this key.</exception>
    Task<FeatureFlag> UpdateDescriptionAsync(UserId actor, string flagKey, string? description, CancellationToken cancellationToken = default);

    /// <summary>Switches a flag on (subjects within its rollout get it).</summary>
    /// <param name="actor">The acting user.</param>
    /// <param name="flagKey">The flag's key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The flag as stored.</returns>
    /// <exception cref="PermissionDeniedException">The user lacks <c>feature_flags.manage</c>; nothing is written.</exception>
    /// <exception cref="EntityNotFoundException">No flag has this key.</exception>
    Task<FeatureFlag> EnableAsync(UserId actor, string flagKey, CancellationToken cancellationToken = default);

    /// <summary>The kill switch: switches a flag off for every subject, keeping its rollout percentage.</summary>
    /// <param name="actor">The acting user.</param>
    /// <param name="flagKey">The flag's key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The flag as stored.</returns>
    /// <exception cref="PermissionDeniedException">The user lacks <c>feature_flags.manage</c>; nothing is written.</exception>
    /// <exception cref="EntityNotFoundException">No flag has this key.</exception>
    Task<FeatureFlag> DisableAsync(UserId actor, string flagKey, CancellationToken cancellationToken = default);

    /// <summary>Sets a flag's rollout percentage (raising it only ever adds subjects).</summary>
    /// <param name="actor">The acting user.</param>
    /// <param name="flagKey">The flag's key.</param>
    /// <param name="rolloutPercentage">The new rollout, 0..100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The flag as stored.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The percentage is outside 0..100.</exception>
    /// <exception cref="PermissionDeniedException">The user lacks <c>feature_flags.manage</c>; nothing is written.</exception>
    /// <exception cref="EntityNotFoundException">No flag has this key.</exception>
    Task<FeatureFlag> SetRolloutPercentageAsync(UserId actor, string flagKey, int rolloutPercentage, CancellationToken cancellationToken = default);
}
