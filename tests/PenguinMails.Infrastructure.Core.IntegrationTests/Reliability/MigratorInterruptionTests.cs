using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// A migrator killed in the middle of a migration (its backend terminated while the script waits on a lock another
/// session holds, so the kill lands mid-script for certain), then run again: the schema ends complete and identical to
/// a clean migrate's, and the killed version left no trace.
/// </summary>
public sealed class MigratorInterruptionTests
{
    [PostgresTheory]
    [InlineData(1, "smtp_ip_addresses")] // killed in 0002, whose foreign key must lock smtp_ip_addresses
    [InlineData(8, "feature_flags")] // killed in 0009, whose trigger must lock feature_flags
    public async Task Migrate_KilledMidScript_RerunEndsWithTheCleanSchema(int appliedBefore, string lockedTable)
    {
        await using var db = await FaultDatabase.CreateAsync("migkill", migrate: false);
        await db.Migrator().MigrateAsync(appliedBefore);

        await using (var blocker = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString) { ApplicationName = "blocker", Pooling = false }.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var hold = await blocker.BeginTransactionAsync();
            await using (var lockCommand = new NpgsqlCommand($"LOCK TABLE {lockedTable} IN ACCESS EXCLUSIVE MODE", blocker, hold))
            {
                await lockCommand.ExecuteNonQueryAsync();
            }

            var run = db.Migrator().MigrateAsync();
            await WaitForLockWaitAsync(db);
            Assert.Equal(1, await db.TerminateAsync("active"));

            var ex = await Record.ExceptionAsync(() => run);
            Assert.False(Assert.IsType<TransientDatabaseException>(ex).CommitOutcomeUnknown);
            await hold.RollbackAsync();
        }

        // Nothing of the killed version: the history and the catalog hold exactly the versions applied before.
        var status = await db.Migrator().GetStatusAsync();
        Assert.Equal(Enumerable.Range(1, appliedBefore), status.Applied.Select(m => m.Version));
        var applied = await db.Migrator().MigrateAsync();
        Assert.Equal(Enumerable.Range(appliedBefore + 1, SchemaMigrations.LatestVersion - appliedBefore), applied);

        await using var clean = await FaultDatabase.CreateAsync("migclean");
        Assert.Equal(await SchemaCatalog.DescribeAsync(clean.DataSource), await SchemaCatalog.DescribeAsync(db.DataSource));
        Assert.Empty(await db.LeftoversAsync());
    }

    private static async Task WaitForLockWaitAsync(FaultDatabase db)
    {
        await using var admin = new NpgsqlConnection(db.AdminConnectionString);
        await admin.OpenAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", admin);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = db.ApplicationName });
            if ((long)(await command.ExecuteScalarAsync())! == 1)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the migrator never waited on the held lock");
            await Task.Delay(50);
        }
    }
}
