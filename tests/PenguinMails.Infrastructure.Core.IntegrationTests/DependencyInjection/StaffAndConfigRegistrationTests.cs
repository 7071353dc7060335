using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.DependencyInjection.Internal;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.TestKit;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.DependencyInjection;

public sealed class StaffAndConfigRegistrationTests
{
    public static TheoryData<Type> ServiceTypes() =>
        new(typeof(IPermissionChecker), typeof(CachedPermissionChecker), typeof(IStaffAdministration), typeof(ISystemConfigService), typeof(ITenantSettings), typeof(IUserPreferencesService));

    [Theory]
    [MemberData(nameof(ServiceTypes))]
    public async Task AddPenguinMailsInfra_Services_ResolveOnBothStoresAsSingletons(Type serviceType)
    {
        await using var memory = new ServiceCollection().AddPenguinMailsInfra().UseInMemoryStore().Services.BuildServiceProvider(validateScopes: true);
        await using var postgres = new ServiceCollection().AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost").Services.BuildServiceProvider(validateScopes: true);

        Assert.Same(memory.GetRequiredService(serviceType), memory.GetRequiredService(serviceType));
        Assert.NotNull(postgres.GetRequiredService(serviceType));
        Assert.Same(memory.GetRequiredService<CachedPermissionChecker>(), memory.GetRequiredService<IPermissionChecker>());
    }

    [Fact]
    public void AddPenguinMailsInfra_CalledTwice_OneListener()
    {
        var services = new ServiceCollection().AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost").Services.AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost").Services;
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory?.Method.ReturnType.Name == "ChangeNotificationListener");
        Assert.Single(services, d => d.ServiceType == typeof(IPermissionChecker));
    }

    [Fact]
    public async Task PermissionCacheOptions_Invalid_ReportedAtStart()
    {
        var services = new ServiceCollection().AddPenguinMailsInfra().UseInMemoryStore().Services;
        services.Configure<PenguinMailsInfraOptions>(o =>
        {
            o.PermissionCache.TimeToLive = TimeSpan.Zero;
            o.ChangeNotifications.MaxReconnectDelay = TimeSpan.Zero;
        });
        await using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value);
        Assert.Equal(2, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:PermissionCache:TimeToLive ", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:ChangeNotifications:MaxReconnectDelay must be ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostedListener_InMemoryStore_StartsAndStopsCleanly()
    {
        var store = new InMemoryInfraStore(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var services = new ServiceCollection().AddPenguinMailsInfra().UseInMemoryStore(store).Services;
        await using var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            await hosted.StopAsync(CancellationToken.None);
        }

        var user = UserId.New();
        Assert.False(await provider.GetRequiredService<IPermissionChecker>().HasPermissionAsync(user, WellKnownPermissions.VpsRead));
    }

    [PostgresFact]
    public async Task TwoHosts_RevocationThroughOne_ReachesTheOtherByNotify()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("perm_di");
        ServiceProvider Build() =>
            new ServiceCollection()
                .AddPenguinMailsInfra(o =>
                {
                    o.ConnectionString = connectionString;
                    o.CreateHostTables = true;
                    o.StartupMigration = MigrationMode.Migrate;
                    o.PermissionCache.TimeToLive = TimeSpan.FromHours(1);
                }).Services
                .BuildServiceProvider();
        await using var a = Build();
        await using var b = Build();
        var hosted = a.GetServices<IHostedService>().Concat(b.GetServices<IHostedService>()).ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var admin = UserId.New();
        var user = UserId.New();
        foreach (var id in new[] { admin, user })
        {
            await using var insert = a.GetRequiredService<InfraDataSource>().DataSource.CreateCommand("INSERT INTO users (id) VALUES ($1)");
            insert.Parameters.AddWithValue(id.Value);
            await insert.ExecuteNonQueryAsync();
        }

        var administration = a.GetRequiredService<IStaffAdministration>();
        await administration.BootstrapAdministratorAsync(admin, new StaffRoleId(1));
        var role = await administration.CreateRoleAsync(admin, new StaffRole { Id = new StaffRoleId(2), Name = "readers" });
        await administration.GrantAsync(admin, role.Id, WellKnownPermissions.VpsRead);
        await administration.AssignAsync(admin, user, role.Id);
        var checkerB = b.GetRequiredService<IPermissionChecker>();
        Assert.True(await EventuallyAsync(async () => await checkerB.HasPermissionAsync(user, WellKnownPermissions.VpsRead)));

        await administration.RevokeAsync(admin, role.Id, WellKnownPermissions.VpsRead);
        Assert.False(await a.GetRequiredService<IPermissionChecker>().HasPermissionAsync(user, WellKnownPermissions.VpsRead)); // at once in-process
        Assert.True(await EventuallyAsync(async () => !await checkerB.HasPermissionAsync(user, WellKnownPermissions.VpsRead))); // by NOTIFY elsewhere

        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = TimeSpan.FromSeconds(10);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return await condition();
    }
}
