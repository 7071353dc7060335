using Npgsql;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Postgres;

/// <summary>Migration 9: committed changes to flags and staff tables send NOTIFY penguinmails_infra; rolled-back ones do not.</summary>
public sealed class ChangeNotificationTests : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync("notify"));
        await new PostgresMigrator(_dataSource, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task CommittedChanges_SendOneNotificationPerStatement_RolledBackSendNone()
    {
        await using var listener = await _dataSource!.OpenConnectionAsync();
        var received = new List<string>();
        listener.Notification += (_, e) =>
        {
            lock (received)
            {
                received.Add(e.Channel + ":" + e.Payload);
            }
        };
        await using (var listen = new NpgsqlCommand("LISTEN penguinmails_infra", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var flags = new NpgsqlFeatureFlagRepository(_dataSource);
        await flags.AddAsync(new FeatureFlag { Key = "notify-test" });
        await using (var uow = await new NpgsqlInfraUnitOfWorkFactory(_dataSource).BeginAsync())
        {
            await uow.FeatureFlags.AddAsync(new FeatureFlag { Key = "rolled-back" });
            await uow.RollbackAsync();
        }

        await new NpgsqlStaffRoleRepository(_dataSource).AddAsync(new StaffRole { Id = new StaffRoleId(500), Name = "notify-role" });

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            lock (received)
            {
                if (received.Count >= 2)
                {
                    break;
                }
            }

            await listener.WaitAsync(TimeSpan.FromMilliseconds(200));
        }

        await listener.WaitAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal(["penguinmails_infra:public.feature_flags", "penguinmails_infra:public.staff_roles"], received);
    }
}
