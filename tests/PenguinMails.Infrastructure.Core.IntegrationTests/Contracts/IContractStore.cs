using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>
/// One store under contract test: PostgreSQL (a fresh database per test class) or the in-memory store. The contract
/// classes talk only to this, so every test runs unchanged on both.
/// </summary>
public interface IContractStore : IAsyncDisposable
{
    /// <summary>Which implementation, for test names and messages.</summary>
    string Kind { get; }

    ManualClock Clock { get; }

    IVpsInstanceRepository VpsInstances { get; }

    // [repositories: SmtpIps, Assignments]
    SmtpIps.ISmtpIpAddressRepository SmtpIpAddresses { get; }

    Assignments.IDomainIpAssignmentRepository DomainIpAssignments { get; }

    // [repositories: Staff]

    Core.Staff.IStaffRoleRepository StaffRoles { get; }

    Core.Staff.IPermissionRepository Permissions { get; }

    Core.Staff.IStaffMemberRepository StaffMembers { get; }

    // [repositories: SystemConfig, FeatureFlags, Preferences, Tenants]
    global::PenguinMails.Infrastructure.Core.SystemConfig.ISystemConfigRepository SystemConfig { get; }

    global::PenguinMails.Infrastructure.Core.FeatureFlags.IFeatureFlagRepository FeatureFlags { get; }

    global::PenguinMails.Infrastructure.Core.Preferences.IUserPreferencesRepository UserPreferences { get; }

    global::PenguinMails.Infrastructure.Core.Tenants.ITenantConfigRepository TenantConfigs { get; }

    global::PenguinMails.Infrastructure.Core.Tenants.ITenantPoliciesRepository TenantPolicies { get; }

    IInfraUnitOfWorkFactory UnitOfWork { get; }

    /// <summary>Registers host rows (users, tenants, domains) that the package's rows refer to.</summary>
    Task AddUserAsync(UserId id);

    Task AddTenantAsync(TenantId id);

    Task AddDomainAsync(DomainId id, TenantId? tenant = null);
}
