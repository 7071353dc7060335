namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>
/// How a store other than PostgreSQL (the Testing package's <c>UseInMemoryStore</c>) supplies its store-specific services
/// (<c>IIpPoolAllocator</c>, <c>ITenantCostReport</c>): it registers them as keyed services under <see cref="Key"/>, and
/// the package's unkeyed registrations resolve them when the store is not PostgreSQL.
/// </summary>
internal static class StoreOverrideServices
{
    /// <summary>The service key of the store override's services.</summary>
    internal const string Key = "PenguinMails.Infrastructure.Core.StoreOverride";
}
