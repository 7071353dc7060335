using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Internal;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.TestKit;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Staff;

/// <summary>
/// Two "processes" (two data sources, two checkers) on one database: a revocation made by one reaches the other
/// through NOTIFY, long before its time-to-live (one hour here, on a clock that never moves).
/// </summary>
public sealed class PermissionNotifyTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private string? _connectionString;
    private NpgsqlDataSource? _processA;
    private NpgsqlDataSource? _processB;

    public async Task InitializeAsync()
    {
        _connectionString = await PostgresServer.CreateDatabaseAsync("perm_notify");
        _processA = NpgsqlDataSource.Create(_connectionString);
        _processB = NpgsqlDataSource.Create(_connectionString);
        await new PostgresMigrator(_processA, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_processA is not null)
        {
            await _processA.DisposeAsync();
        }

        if (_processB is not null)
        {
            await _processB.DisposeAsync();
        }
    }

    private static async Task<UserId> NewUserAsync(NpgsqlDataSource dataSource)
    {
        var user = UserId.New();
        await using var command = dataSource.CreateCommand("INSERT INTO users (id) VALUES ($1)");
        command.Parameters.AddWithValue(user.Value);
        await command.ExecuteNonQueryAsync();
        return user;
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Bound)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return await condition();
    }

    [PostgresFact]
    public async Task HasPermissionAsync_RevokedInAnotherProcess_DeniedWithinTheNotifyBound()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)); // never advanced: the one-hour time-to-live cannot be what refreshes process B
        var membersA = new NpgsqlStaffMemberRepository(_processA!, SchemaName.Default, clock);
        var rolesA = new NpgsqlStaffRoleRepository(_processA!, SchemaName.Default, clock);
        using var checkerA = new CachedPermissionChecker(membersA, rolesA, new PermissionCacheOptions(), clock);
        var adminA = new StaffAdministration(membersA, rolesA, new NpgsqlPermissionRepository(_processA!, SchemaName.Default, clock), checkerA);

        var optionsB = new PermissionCacheOptions { TimeToLive = TimeSpan.FromHours(1) };
        using var checkerB = new CachedPermissionChecker(
            new NpgsqlStaffMemberRepository(_processB!, SchemaName.Default, clock),
            new NpgsqlStaffRoleRepository(_processB!, SchemaName.Default, clock),
            optionsB,
            clock
        );
        await using var listenerB = new ChangeNotificationListener(_processB, SchemaName.Default, null, checkerB, new ChangeNotificationOptions(), TimeProvider.System);
        await listenerB.StartAsync(CancellationToken.None);
        await listenerB.Listening.WaitAsync(Bound);

        var administrator = await NewUserAsync(_processA!);
        await adminA.BootstrapAdministratorAsync(administrator, new StaffRoleId(1));
        await Assert.ThrowsAsync<InvalidOperationException>(() => adminA.BootstrapAdministratorAsync(UserId.New(), new StaffRoleId(1)));
        Assert.True(await checkerA.HasPermissionAsync(administrator, WellKnownPermissions.SystemConfigReadSensitive));
        var user = await NewUserAsync(_processA!);
        var role = await adminA.CreateRoleAsync(administrator, new StaffRole { Id = new StaffRoleId(2), Name = "readers" });
        await adminA.GrantAsync(administrator, role.Id, WellKnownPermissions.VpsRead);
        await adminA.AssignAsync(administrator, user, role.Id);
        Assert.True(await EventuallyAsync(async () => await checkerB.HasPermissionAsync(user, WellKnownPermissions.VpsRead)));

        var watch = Stopwatch.StartNew();
        await adminA.RevokeAsync(administrator, role.Id, WellKnownPermissions.VpsRead);
        Assert.True(await EventuallyAsync(async () => !await checkerB.HasPermissionAsync(user, WellKnownPermissions.VpsRead)));
        Assert.True(watch.Elapsed < Bound, $"revocation took {watch.Elapsed}");

        await listenerB.StopAsync(CancellationToken.None);
    }

    [PostgresFact]
    public async Task Listener_ConnectionKilled_ReconnectsAndStillDeliversRevocations()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var membersA = new NpgsqlStaffMemberRepository(_processA!, SchemaName.Default, clock);
        var rolesA = new NpgsqlStaffRoleRepository(_processA!, SchemaName.Default, clock);
        var optionsB = new PermissionCacheOptions { TimeToLive = TimeSpan.FromHours(1) };
        using var checkerB = new CachedPermissionChecker(
            new NpgsqlStaffMemberRepository(_processB!, SchemaName.Default, clock),
            new NpgsqlStaffRoleRepository(_processB!, SchemaName.Default, clock),
            optionsB,
            clock
        );
        var log = new FakeLogger<ChangeNotificationListener>();
        await using var listenerB = new ChangeNotificationListener(_processB, SchemaName.Default, null, checkerB, new ChangeNotificationOptions(), TimeProvider.System, log);
        await listenerB.StartAsync(CancellationToken.None);
        await listenerB.Listening.WaitAsync(Bound);

        var user = await NewUserAsync(_processA!);
        var role = await rolesA.AddAsync(new StaffRole { Id = new StaffRoleId(30), Name = "killers" });
        await rolesA.GrantAsync(role.Id, new PermissionId(1));
        await membersA.AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
        Assert.True(await EventuallyAsync(async () => await checkerB.HasPermissionAsync(user, WellKnownPermissions.VpsRead)));

        await using (var kill = _processA!.CreateCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN penguinmails_infra%' AND pid <> pg_backend_pid()"))
        {
            await kill.ExecuteNonQueryAsync();
        }

        Assert.True(await EventuallyAsync(() => Task.FromResult(log.Entries.Count(e => e.EventId.Id == PenguinMailsInfraEventIds.PermissionListenerConnected) >= 2)));
        await rolesA.RevokeAsync(role.Id, new PermissionId(1));
        Assert.True(await EventuallyAsync(async () => !await checkerB.HasPermissionAsync(user, WellKnownPermissions.VpsRead)));
        Assert.Contains(log.Entries, e => e.EventId.Id == PenguinMailsInfraEventIds.PermissionListenerFailed);

        await listenerB.StopAsync(CancellationToken.None);
        Assert.Contains(log.Entries, e => e.EventId.Id == PenguinMailsInfraEventIds.PermissionListenerStopped);
    }

    [PostgresFact]
    public async Task Registration_HoldsExactlyOneListeningConnection_ThroughWhichFlagAndStaffChangesBothArrive()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o =>
        {
            o.ConnectionString = _connectionString + ";Application Name=one-listener";
            o.FeatureFlags.RefreshInterval = TimeSpan.FromDays(1); // only a notification can bring the change in time
            o.PermissionCache.TimeToLive = TimeSpan.FromHours(1);
        });
        using var host = builder.Build();
        await host.StartAsync();
        var listener = Assert.Single(host.Services.GetServices<IHostedService>().OfType<ChangeNotificationListener>());
        await listener.Listening.WaitAsync(Bound);

        await using (var count = _processA!.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'one-listener' AND query LIKE 'LISTEN%'"))
        {
            Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        }

        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var flags = host.Services.GetRequiredService<FeatureFlagSnapshotProvider>();
        var key = "one-listener-" + Guid.NewGuid().ToString("N")[..8];
        await new NpgsqlFeatureFlagRepository(_processA!, SchemaName.Default, clock).AddAsync(new FeatureFlag { Key = key, IsEnabled = true, RolloutPercentage = 100 });
        Assert.True(await EventuallyAsync(() => Task.FromResult(flags.Current.Find(key) is not null)), "the flag change did not arrive");

        var checker = host.Services.GetRequiredService<CachedPermissionChecker>();
        var membersA = new NpgsqlStaffMemberRepository(_processA!, SchemaName.Default, clock);
        var rolesA = new NpgsqlStaffRoleRepository(_processA!, SchemaName.Default, clock);
        var user = await NewUserAsync(_processA!);
        var role = await rolesA.AddAsync(new StaffRole { Id = new StaffRoleId(40), Name = "one-listener" });
        await rolesA.GrantAsync(role.Id, new PermissionId(1));
        await membersA.AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
        Assert.True(await EventuallyAsync(async () => await checker.HasPermissionAsync(user, WellKnownPermissions.VpsRead)));
        await rolesA.RevokeAsync(role.Id, new PermissionId(1));
        Assert.True(await EventuallyAsync(async () => !await checker.HasPermissionAsync(user, WellKnownPermissions.VpsRead)), "the staff change did not arrive");

        await using (var count = _processA!.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'one-listener' AND query LIKE 'LISTEN%'"))
        {
            Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        }

        await host.StopAsync();
    }
}
