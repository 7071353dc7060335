using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;

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

    ISmtpIpAddressRepository SmtpIpAddresses { get; }

    IDomainIpAssignmentRepository DomainIpAssignments { get; }

    Core.Staff.IStaffRoleRepository StaffRoles { get; }

    Core.Staff.IPermissionRepository Permissions { get; }

    Core.Staff.IStaffMemberRepository StaffMembers { get; }

    ISystemConfigRepository SystemConfig { get; }

    IFeatureFlagRepository FeatureFlags { get; }

    IUserPreferencesRepository UserPreferences { get; }

    ITenantConfigRepository TenantConfigs { get; }

    ITenantPoliciesRepository TenantPolicies { get; }

    IInfraUnitOfWorkFactory UnitOfWork { get; }

    /// <summary>Registers host rows (users, tenants, domains) that the package's rows refer to.</summary>
    Task AddUserAsync(UserId id);

    Task AddTenantAsync(TenantId id);

    Task AddDomainAsync(DomainId id, TenantId? tenant = null);
}
