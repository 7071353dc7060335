namespace PenguinMails.Infrastructure.Core.Tenants;

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
