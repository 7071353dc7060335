namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// The in-memory implementation of <see cref="ITenantCostReport"/>: <see cref="TenantCostCalculator"/> over one
/// committed snapshot of the store, with the tenants registered by <see cref="InMemoryInfraStore.AddDomain"/>. Its
/// results equal the PostgreSQL report's to the last decimal.
/// </summary>
public sealed class InMemoryTenantCostReport : ITenantCostReport
{
    private readonly InMemoryInfraStore _store;

    /// <summary>Initializes the report over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    public InMemoryTenantCostReport(InMemoryInfraStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TenantMonthlyCost>> GetMonthlyCostsAsync(DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var instant = StoreClock.Truncate(at ?? _store.TimeProvider.GetUtcNow());
        var state = _store.Committed;
        var tenants = state.DomainTenants;
        return TenantCostCalculator.Compute(
            state.Table(InMemoryVpsInstanceRepository.Table).Values,
            state.Table(InMemorySmtpIpAddressRepository.Table).Values,
            state.Table(InMemoryDomainIpAssignmentRepository.Table).Values,
            domain => tenants.TryGetValue(domain.Value, out var tenant) && tenant is { } t ? new TenantId(t) : null,
            instant);
    }
}
