using Microsoft.Extensions.Time.Testing;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>The in-memory store under contract test: a new, empty store per test.</summary>
public sealed class InMemoryContractStore : IContractStore
{
    private readonly InMemoryInfraStore _store;

    public InMemoryContractStore()
    {
        _store = new InMemoryInfraStore(Clock);
        VpsInstances = new InMemoryVpsInstanceRepository(_store);
        UnitOfWork = new InMemoryInfraUnitOfWorkFactory(_store);
    }

    public string Kind => "in-memory";

    /// <summary>The store behind the repositories (for services built over it, such as the IP pool allocator).</summary>
    internal InMemoryInfraStore Backing => _store;

    public FakeTimeProvider Clock { get; } = ContractClock.Create();

    public IVpsInstanceRepository VpsInstances { get; }

    public ISmtpIpAddressRepository SmtpIpAddresses => field ??= new InMemorySmtpIpAddressRepository(_store);

    public IDomainIpAssignmentRepository DomainIpAssignments => field ??= new InMemoryDomainIpAssignmentRepository(_store);

    public Core.Staff.IStaffRoleRepository StaffRoles => field ??= new InMemoryStaffRoleRepository(_store);

    public Core.Staff.IPermissionRepository Permissions => field ??= new InMemoryPermissionRepository(_store);

    public Core.Staff.IStaffMemberRepository StaffMembers => field ??= new InMemoryStaffMemberRepository(_store);

    public ISystemConfigRepository SystemConfigs => field ??= new InMemorySystemConfigRepository(_store);

    public IFeatureFlagRepository FeatureFlags => field ??= new InMemoryFeatureFlagRepository(_store);

    public IUserPreferencesRepository UserPreferences => field ??= new InMemoryUserPreferencesRepository(_store);

    public ITenantConfigRepository TenantConfigs => field ??= new InMemoryTenantConfigRepository(_store);

    public ITenantPoliciesRepository TenantPolicies => field ??= new InMemoryTenantPoliciesRepository(_store);

    public IInfraUnitOfWorkFactory UnitOfWork { get; }

    public Task AddUserAsync(UserId id)
    {
        _store.AddUser(id);
        return Task.CompletedTask;
    }

    public Task AddTenantAsync(TenantId id)
    {
        _store.AddTenant(id);
        return Task.CompletedTask;
    }

    public Task AddDomainAsync(DomainId id, TenantId? tenant = null)
    {
        _store.AddDomain(id, tenant);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class InMemoryVpsInstanceRepositoryTests : VpsInstanceRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class InMemoryFeatureFlagRepositoryTests : FeatureFlagRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class InMemoryPermissionRepositoryTests : PermissionRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class InMemoryStaffMemberRepositoryTests : StaffMemberRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class InMemoryStaffRoleRepositoryTests : StaffRoleRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class InMemoryStoreFidelityTests : StoreFidelityContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class InMemorySystemConfigRepositoryTests : SystemConfigRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class InMemoryTenantConfigRepositoryTests : TenantConfigRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class InMemoryTenantPoliciesRepositoryTests : TenantPoliciesRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class InMemoryUserPreferencesRepositoryTests : UserPreferencesRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}
