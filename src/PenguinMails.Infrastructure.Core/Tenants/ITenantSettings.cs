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
