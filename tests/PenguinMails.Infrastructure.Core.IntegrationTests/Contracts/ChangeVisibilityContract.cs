using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>
/// Flags and permissions written through any repository or unit of work of a registration are what its evaluator and
/// permission checker answer on the very next call, with no hosted service running and no wait for a refresh or a
/// notification. Run on the in-memory store and on PostgreSQL.
/// </summary>
public abstract class ChangeVisibilityContract : IAsyncLifetime
{
    private ServiceProvider? _services;

    protected IServiceProvider Services => _services ?? throw new InvalidOperationException("not initialized");

    /// <summary>Registers the store under test on a bare container (no host, so no hosted service ever runs).</summary>
    protected abstract Task ConfigureAsync(IServiceCollection services);

    /// <summary>Makes <paramref name="user"/> a host user that rows may refer to.</summary>
    protected abstract Task AddUserAsync(UserId user);

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        await ConfigureAsync(services);
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    private IFeatureFlagEvaluator Evaluator => Services.GetRequiredService<IFeatureFlagEvaluator>();

    private IPermissionChecker Checker => Services.GetRequiredService<IPermissionChecker>();

    private static string UniqueKey() => "visible-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Flag_WrittenThroughTheRepository_IsEvaluatedOnTheNextCall()
    {
        var flags = Services.GetRequiredService<IFeatureFlagRepository>();
        var subject = UserId.New();
        var key = UniqueKey();

        var added = await flags.AddAsync(new FeatureFlag { Key = key, IsEnabled = true, RolloutPercentage = 100 });
        Assert.True(Evaluator.IsEnabled(key, subject));

        var off = await flags.UpdateAsync(added with { RolloutPercentage = 0 });
        Assert.False(Evaluator.IsEnabled(key, subject));
        Assert.Equal(FlagDecisionReason.RolloutZero, Evaluator.Explain(key, subject.Value).Reason);

        await flags.UpdateAsync(off with { RolloutPercentage = 100 });
        Assert.True(Evaluator.IsEnabled(key, subject));

        await flags.DeleteAsync(added.Id);
        Assert.Equal(FlagDecisionReason.UnknownFlag, Evaluator.Explain(key, subject.Value).Reason);
    }

    [Fact]
    public async Task Flag_WrittenInAUnitOfWork_IsEvaluatedAfterCommitNotBefore()
    {
        var key = UniqueKey();
        var subject = UserId.New();
        var unit = await Services.GetRequiredService<IInfraUnitOfWorkFactory>().BeginAsync();
        await using (unit)
        {
            await unit.FeatureFlags.AddAsync(new FeatureFlag { Key = key, IsEnabled = true, RolloutPercentage = 100 });

            Assert.Equal(FlagDecisionReason.UnknownFlag, Evaluator.Explain(key, subject.Value).Reason);

            await unit.CommitAsync();
        }

        Assert.True(Evaluator.IsEnabled(key, subject));
    }

    [Fact]
    public async Task Flag_WrittenInARolledBackUnit_IsNeverEvaluated()
    {
        var key = UniqueKey();
        var unit = await Services.GetRequiredService<IInfraUnitOfWorkFactory>().BeginAsync();
        await using (unit)
        {
            await unit.FeatureFlags.AddAsync(new FeatureFlag { Key = key, IsEnabled = true, RolloutPercentage = 100 });
            await unit.RollbackAsync();
        }

        Assert.Equal(FlagDecisionReason.UnknownFlag, Evaluator.Explain(key, Guid.NewGuid()).Reason);
    }

    [Fact]
    public async Task Permission_GrantedAndRevokedThroughTheRepositories_IsCheckedOnTheNextCall()
    {
        var user = UserId.New();
        await AddUserAsync(user);
        var roles = Services.GetRequiredService<IStaffRoleRepository>();
        var members = Services.GetRequiredService<IStaffMemberRepository>();
        var permission = (await Services.GetRequiredService<IPermissionRepository>().GetByNameAsync(WellKnownPermissions.FeatureFlagsManage))!;
        Assert.False(await Checker.HasPermissionAsync(user, WellKnownPermissions.FeatureFlagsManage)); // loads the cache

        var role = await roles.AddAsync(new StaffRole { Id = new StaffRoleId(Random.Shared.Next(1_000, int.MaxValue)), Name = "visibility-" + Guid.NewGuid().ToString("N")[..12] });
        await members.AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
        Assert.False(await Checker.HasPermissionAsync(user, WellKnownPermissions.FeatureFlagsManage));

        await roles.GrantAsync(role.Id, permission.Id);
        Assert.True(await Checker.HasPermissionAsync(user, WellKnownPermissions.FeatureFlagsManage));

        await roles.RevokeAsync(role.Id, permission.Id);
        Assert.False(await Checker.HasPermissionAsync(user, WellKnownPermissions.FeatureFlagsManage));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => Checker.EnsurePermissionAsync(user, WellKnownPermissions.FeatureFlagsManage).AsTask());
    }

    [Fact]
    public async Task Permission_GrantedInAUnitOfWork_IsCheckedAfterCommit()
    {
        var user = UserId.New();
        await AddUserAsync(user);
        var permission = (await Services.GetRequiredService<IPermissionRepository>().GetByNameAsync(WellKnownPermissions.StaffManage))!;
        Assert.False(await Checker.HasPermissionAsync(user, WellKnownPermissions.StaffManage));

        var unit = await Services.GetRequiredService<IInfraUnitOfWorkFactory>().BeginAsync();
        await using (unit)
        {
            var role = await unit.StaffRoles.AddAsync(new StaffRole { Id = new StaffRoleId(Random.Shared.Next(1_000, int.MaxValue)), Name = "visibility-" + Guid.NewGuid().ToString("N")[..12] });
            await unit.StaffRoles.GrantAsync(role.Id, permission.Id);
            await unit.StaffMembers.AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
            await unit.CommitAsync();
        }

        Assert.True(await Checker.HasPermissionAsync(user, WellKnownPermissions.StaffManage));
    }
}

public sealed class InMemoryChangeVisibilityTests : ChangeVisibilityContract
{
    private readonly InMemoryInfraStore _store = new();

    protected override Task ConfigureAsync(IServiceCollection services)
    {
        services.AddPenguinMailsInfra().UseInMemoryStore(_store);
        return Task.CompletedTask;
    }

    protected override Task AddUserAsync(UserId user)
    {
        _store.AddUser(user);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Flag_WrittenThroughARepositoryBuiltOutsideTheContainer_IsEvaluatedOnTheNextCall()
    {
        var key = "outside-" + Guid.NewGuid().ToString("N")[..12];
        var evaluator = Services.GetRequiredService<IFeatureFlagEvaluator>();

        await new InMemoryFeatureFlagRepository(_store).AddAsync(new FeatureFlag { Key = key, IsEnabled = true, RolloutPercentage = 100 });

        Assert.True(evaluator.IsEnabled(key, Guid.NewGuid()));
    }

    [Fact]
    public async Task Flag_UnderARunningHost_IsEvaluatedOnTheNextCall()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra().UseInMemoryStore(_store);
        using var host = builder.Build();
        await host.StartAsync();
        var key = "hosted-" + Guid.NewGuid().ToString("N")[..12];

        await host.Services.GetRequiredService<IFeatureFlagRepository>().AddAsync(new FeatureFlag { Key = key, IsEnabled = true, RolloutPercentage = 100 });

        Assert.True(host.Services.GetRequiredService<IFeatureFlagEvaluator>().IsEnabled(key, Guid.NewGuid()));
        await host.StopAsync();
    }
}

public sealed class PostgresChangeVisibilityTests : ChangeVisibilityContract
{
    private string? _connectionString;

    protected override async Task ConfigureAsync(IServiceCollection services)
    {
        _connectionString = await PostgresServer.CreateDatabaseAsync("visibility");
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(_connectionString))
        {
            await new PostgresMigrator(dataSource, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
        }

        services.AddPenguinMailsInfra(o =>
        {
            o.ConnectionString = _connectionString;
            o.StartupMigration = MigrationMode.Off;
        });
    }

    protected override async Task AddUserAsync(UserId user)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(_connectionString!);
        await using var command = dataSource.CreateCommand("INSERT INTO users (id) VALUES ($1)");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = user.Value });
        await command.ExecuteNonQueryAsync();
    }
}
