using PenguinMails.Infrastructure.Core.Internal;

namespace PenguinMails.Infrastructure.Core.Tenants;

/// <summary>
/// A tenant's configuration and policies, with the schema's defaults when the tenant has no row. Authorization is the
/// host's: tenant members are not staff, so this service checks no permission (staff tooling should check
/// <c>tenant_config.manage</c> / <c>tenant_policies.manage</c> with the permission checker first).
/// </summary>
public interface ITenantSettings
{
    /// <summary>The tenant's configuration, or <see cref="TenantConfig.Default"/> (not stored) when it has none.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<TenantConfig> GetConfigAsync(TenantId tenantId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's policies, or <see cref="TenantPolicies.Default"/> (not stored) when it has none.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<TenantPolicies> GetPoliciesAsync(TenantId tenantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Validates and stores <paramref name="config"/>: inserts it when the tenant has no row, otherwise updates it if the
    /// row is still as read (same <see cref="TenantConfig.Updated"/>; a default from <see cref="GetConfigAsync"/> has none).
    /// </summary>
    /// <param name="config">The configuration as read plus changes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The configuration as stored.</returns>
    /// <exception cref="EntityValidationException">Fields break rules (every failing field listed).</exception>
    /// <exception cref="ConcurrencyConflictException">The row changed (or was created) since it was read.</exception>
    /// <exception cref="ReferencedEntityMissingException">The tenant does not exist.</exception>
    Task<TenantConfig> SaveConfigAsync(TenantConfig config, CancellationToken cancellationToken = default);

    /// <summary>Validates and stores <paramref name="policies"/>, as <see cref="SaveConfigAsync"/> does.</summary>
    /// <param name="policies">The policies as read plus changes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The policies as stored.</returns>
    /// <exception cref="EntityValidationException">Fields break rules (every failing field listed).</exception>
    /// <exception cref="ConcurrencyConflictException">The row changed (or was created) since it was read.</exception>
    /// <exception cref="ReferencedEntityMissingException">The tenant does not exist.</exception>
    Task<TenantPolicies> SavePoliciesAsync(TenantPolicies policies, CancellationToken cancellationToken = default);
}

/// <summary>The package's <see cref="ITenantSettings"/>, over the tenant repositories.</summary>
/// <param name="configs">Reads and writes <c>tenant_config</c>.</param>
/// <param name="policies">Reads and writes <c>tenant_policies</c>.</param>
public sealed class TenantSettings(ITenantConfigRepository configs, ITenantPoliciesRepository policies) : ITenantSettings
{
    private readonly ITenantConfigRepository _configs = configs ?? throw new ArgumentNullException(nameof(configs));
    private readonly ITenantPoliciesRepository _policies = policies ?? throw new ArgumentNullException(nameof(policies));

    /// <inheritdoc />
    public async Task<TenantConfig> GetConfigAsync(TenantId tenantId, CancellationToken cancellationToken = default) =>
        await _configs.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) ?? TenantConfig.Default(tenantId);

    /// <inheritdoc />
    public async Task<TenantPolicies> GetPoliciesAsync(TenantId tenantId, CancellationToken cancellationToken = default) =>
        await _policies.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) ?? TenantPolicies.Default(tenantId);

    /// <inheritdoc />
    public async Task<TenantConfig> SaveConfigAsync(TenantConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        EntityValidation.EnsureValid(config);
        if (config.Updated == default)
        {
            try
            {
                return await _configs.AddAsync(config, cancellationToken).ConfigureAwait(false);
            }
            catch (DuplicateEntityException ex)
            {
                throw InfraTelemetry.Conflict(new ConcurrencyConflictException(nameof(TenantConfig), config.TenantId.ToString(), "a row was created since the default was read", innerException: ex));
            }
        }

        return await _configs.UpdateAsync(config, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<TenantPolicies> SavePoliciesAsync(TenantPolicies policies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policies);
        EntityValidation.EnsureValid(policies);
        if (policies.Updated == default)
        {
            try
            {
                return await _policies.AddAsync(policies, cancellationToken).ConfigureAwait(false);
            }
            catch (DuplicateEntityException ex)
            {
                throw InfraTelemetry.Conflict(new ConcurrencyConflictException(nameof(TenantPolicies), policies.TenantId.ToString(), "a row was created since the default was read", innerException: ex));
            }
        }

        return await _policies.UpdateAsync(policies, cancellationToken).ConfigureAwait(false);
    }
}
