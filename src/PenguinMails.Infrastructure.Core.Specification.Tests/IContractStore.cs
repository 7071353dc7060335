using Microsoft.Extensions.Time.Testing;

namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// One store under contract test: the repositories of one implementation, over one set of data, with a clock the tests
/// move. The contract classes talk only to this interface, so every test runs unchanged on every implementation: the
/// package's PostgreSQL and in-memory stores run them, and so can yours.
/// </summary>
/// <remarks>
/// <para>
/// A contract class asks for a new store before each test (its <c>CreateStoreAsync</c>) and disposes of it after the
/// test. The data behind it need not be empty: the tests of one class may share a database, so every test uses keys,
/// names and regions of its own and counts only its own rows. The catalog permissions the schema seeds must be there.
/// </para>
/// <para>
/// Every repository must take "now" from <see cref="Clock"/>, the <see cref="TimeProvider"/> the tests move: the
/// tests compare the times a write stamps with the clock's.
/// </para>
/// </remarks>
public interface IContractStore : IAsyncDisposable
{
    /// <summary>Which implementation this is (for example <c>"postgres"</c>), for messages.</summary>
    string Kind { get; }

    /// <summary>
    /// The time every repository of the store reads: a fake clock of the store's own, made by
    /// <see cref="ContractClock.Create"/> (it starts at <see cref="ContractClock.Start"/>); the tests advance it or set
    /// it forward.
    /// </summary>
    FakeTimeProvider Clock { get; }

    /// <summary>The VPS instance repository under test.</summary>
    IVpsInstanceRepository VpsInstances { get; }

    /// <summary>The SMTP IP address repository under test.</summary>
    ISmtpIpAddressRepository SmtpIpAddresses { get; }

    /// <summary>The domain-IP assignment repository under test.</summary>
    IDomainIpAssignmentRepository DomainIpAssignments { get; }

    /// <summary>The staff role repository under test.</summary>
    IStaffRoleRepository StaffRoles { get; }

    /// <summary>The permission repository under test.</summary>
    IPermissionRepository Permissions { get; }

    /// <summary>The staff member repository under test.</summary>
    IStaffMemberRepository StaffMembers { get; }

    /// <summary>The system configuration repository under test.</summary>
    ISystemConfigRepository SystemConfigs { get; }

    /// <summary>The feature flag repository under test.</summary>
    IFeatureFlagRepository FeatureFlags { get; }

    /// <summary>The user preferences repository under test.</summary>
    IUserPreferencesRepository UserPreferences { get; }

    /// <summary>The tenant configuration repository under test.</summary>
    ITenantConfigRepository TenantConfigs { get; }

    /// <summary>The tenant policies repository under test.</summary>
    ITenantPoliciesRepository TenantPolicies { get; }

    /// <summary>Units of work over the same data as the repositories above.</summary>
    IInfraUnitOfWorkFactory UnitOfWork { get; }

    /// <summary>
    /// Registers a host <c>users</c> row that the package's rows (staff members, preferences) refer to. Registering an
    /// id twice is not an error.
    /// </summary>
    /// <param name="id">The user's id.</param>
    Task AddUserAsync(UserId id);

    /// <summary>
    /// Registers a host <c>tenants</c> row that the package's rows (tenant configuration and policies) refer to.
    /// Registering an id twice is not an error.
    /// </summary>
    /// <param name="id">The tenant's id.</param>
    Task AddTenantAsync(TenantId id);

    /// <summary>
    /// Registers a host <c>domains</c> row that domain-IP assignments refer to. Registering an id twice is not an error.
    /// </summary>
    /// <param name="id">The domain's id.</param>
    /// <param name="tenant">The tenant the domain belongs to, if any.</param>
    Task AddDomainAsync(DomainId id, TenantId? tenant = null);
}
