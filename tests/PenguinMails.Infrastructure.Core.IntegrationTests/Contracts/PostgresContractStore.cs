using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>
/// A fresh PostgreSQL database for one contract test class, migrated to the latest version with host stand-ins.
/// </summary>
public sealed class PostgresContractDatabase : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("not initialized");

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("contract");
        _dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator(_dataSource, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}

/// <summary>The PostgreSQL store under contract test: the class's database, with a clock of the test's own.</summary>
public sealed class PostgresContractStore : IContractStore
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresContractStore(PostgresContractDatabase database)
    {
        _dataSource = database.DataSource;
        VpsInstances = new NpgsqlVpsInstanceRepository(_dataSource, SchemaName.Default, Clock);
        UnitOfWork = new NpgsqlInfraUnitOfWorkFactory(_dataSource, SchemaName.Default, Clock);
    }

    public string Kind => "postgres";

    public FakeTimeProvider Clock { get; } = ContractClock.Create();

    public IVpsInstanceRepository VpsInstances { get; }

    public ISmtpIpAddressRepository SmtpIpAddresses => field ??= new NpgsqlSmtpIpAddressRepository(_dataSource, SchemaName.Default, Clock);

    public IDomainIpAssignmentRepository DomainIpAssignments => field ??= new NpgsqlDomainIpAssignmentRepository(_dataSource, SchemaName.Default, Clock);

    public Core.Staff.IStaffRoleRepository StaffRoles => field ??= new NpgsqlStaffRoleRepository(_dataSource, SchemaName.Default, Clock);

    public Core.Staff.IPermissionRepository Permissions => field ??= new NpgsqlPermissionRepository(_dataSource, SchemaName.Default, Clock);

    public Core.Staff.IStaffMemberRepository StaffMembers => field ??= new NpgsqlStaffMemberRepository(_dataSource, SchemaName.Default, Clock);

    public ISystemConfigRepository SystemConfigs => field ??= new NpgsqlSystemConfigRepository(_dataSource, SchemaName.Default, Clock);

    public IFeatureFlagRepository FeatureFlags => field ??= new NpgsqlFeatureFlagRepository(_dataSource, SchemaName.Default, Clock);

    public IUserPreferencesRepository UserPreferences => field ??= new NpgsqlUserPreferencesRepository(_dataSource, SchemaName.Default, Clock);

    public ITenantConfigRepository TenantConfigs => field ??= new NpgsqlTenantConfigRepository(_dataSource, SchemaName.Default, Clock);

    public ITenantPoliciesRepository TenantPolicies => field ??= new NpgsqlTenantPoliciesRepository(_dataSource, SchemaName.Default, Clock);

    public IInfraUnitOfWorkFactory UnitOfWork { get; }

    public Task AddUserAsync(UserId id) => ExecuteAsync("INSERT INTO users (id) VALUES ($1) ON CONFLICT DO NOTHING", id.Value);

    public Task AddTenantAsync(TenantId id) => ExecuteAsync("INSERT INTO tenants (id) VALUES ($1) ON CONFLICT DO NOTHING", id.Value);

    public async Task AddDomainAsync(DomainId id, TenantId? tenant = null)
    {
        await using var command = _dataSource.CreateCommand("INSERT INTO domains (id, tenant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)tenant?.Value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task ExecuteAsync(string sql, Guid id)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class PostgresVpsInstanceRepositoryTests(PostgresContractDatabase database)
    : VpsInstanceRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}

public sealed class PostgresFeatureFlagRepositoryTests(PostgresContractDatabase database)
    : FeatureFlagRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}

public sealed class PostgresPermissionRepositoryTests(PostgresContractDatabase database)
    : PermissionRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}

public sealed class PostgresStaffMemberRepositoryTests(PostgresContractDatabase database)
    : StaffMemberRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}

public sealed class PostgresStaffRoleRepositoryTests(PostgresContractDatabase database)
    : StaffRoleRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}

public sealed class PostgresStoreFidelityTests(PostgresContractDatabase database) : StoreFidelityContract, IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}

public sealed class PostgresSystemConfigRepositoryTests(PostgresContractDatabase database)
    : SystemConfigRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}

public sealed class PostgresTenantConfigRepositoryTests(PostgresContractDatabase database)
    : TenantConfigRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}

public sealed class PostgresTenantPoliciesRepositoryTests(PostgresContractDatabase database)
    : TenantPoliciesRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}

public sealed class PostgresUserPreferencesRepositoryTests(PostgresContractDatabase database)
    : UserPreferencesRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}
