namespace PenguinMails.Infrastructure.Core.Tenants;

/// <summary>
/// Reads and writes <c>tenant_policies</c> (one row per tenant, keyed by <c>tenant_id</c>). Implemented on PostgreSQL
/// (<c>NpgsqlTenantPoliciesRepository</c>) and in memory (<c>InMemoryTenantPoliciesRepository</c> in the Testing package), with the same
/// behaviour.
/// </summary>
public interface ITenantPoliciesRepository
{
    /// <summary>The policies of this tenant, or null when none is stored.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<TenantPolicies?> GetAsync(TenantId tenantId, CancellationToken cancellationToken = default);

    /// <summary>One page of rows, ordered by <c>tenant_id</c>.</summary>
    /// <param name="page">The page to read, or null for the first 100.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<Page<TenantPolicies>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>How many rows the table holds.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts a tenant's policies after validating it; <c>created</c> and <c>updated</c> are set from the store's clock.</summary>
    /// <param name="policies">The policies.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The row as stored.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="DuplicateEntityException">The tenant already has a row (<c>primary key</c>).</exception>
    /// <exception cref="ReferencedEntityMissingException"><c>tenant_id</c> is not a tenant.</exception>
    Task<TenantPolicies> AddAsync(TenantPolicies policies, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes every column but <c>tenant_id</c> and <c>created</c> if the row is still as <paramref name="policies"/> was
    /// read: same <see cref="TenantPolicies.Updated"/> (optimistic concurrency).
    /// </summary>
    /// <param name="policies">The changed snapshot, as read plus changes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The row as stored, with a new <c>updated</c>.</returns>
    /// <exception cref="EntityValidationException">A field breaks a rule.</exception>
    /// <exception cref="EntityNotFoundException">No such row.</exception>
    /// <exception cref="ConcurrencyConflictException">The row changed since it was read.</exception>
    Task<TenantPolicies> UpdateAsync(TenantPolicies policies, CancellationToken cancellationToken = default);

    /// <summary>Deletes the tenant's row. False when there was none.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<bool> DeleteAsync(TenantId tenantId, CancellationToken cancellationToken = default);
}
