using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>
/// The FluentMigrator-based migrator adopts databases migrated by the previous release as they are (no baseline step),
/// both releases keep working on one database, and the package's guards hold around FluentMigrator.
/// </summary>
public sealed class FluentMigratorAdoptionTests
{
    private static MigratorOptions Options => new() { CreateHostTables = true, MigrationLockTimeout = TimeSpan.FromSeconds(60) };

    [PostgresFact]
    public async Task MigrateAsync_DatabaseOfThePreviousRelease_AdoptedAsItIs()
    {
        await using var db = await Db.FreshAsync("adopt");
        Assert.Equal(Enumerable.Range(1, 5), await new PreviousReleaseMigrator(db, Options).MigrateAsync(5));
        var before = await SchemaCatalog.DescribeAsync(db);
        var migrator = new PostgresMigrator(db, Options);

        var status = await migrator.GetStatusAsync();
        var applied = await migrator.MigrateAsync();

        Assert.Equal(Enumerable.Range(1, 5), status.Applied.Select(a => a.Version));
        Assert.Empty(status.Drift);
        Assert.Equal(Enumerable.Range(6, SchemaMigrations.LatestVersion - 5), applied);
        var after = await migrator.VerifyAsync();
        Assert.All(after.Applied, a => Assert.Equal(SchemaMigrations.All[a.Version - 1].Checksum, a.Checksum));
        Assert.Equal(status.Applied, after.Applied.Take(5)); // the previous release's rows are kept as they were
        Assert.True((await migrator.VerifyCatalogAsync()).IsClean);
        Assert.Subset(after.Applied.Select(a => $"history {a.Version} {a.Name} {a.Checksum}").ToHashSet(StringComparer.Ordinal), before.Where(l => l.StartsWith("history ", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal));
        Assert.Equal(await CleanCatalogAsync(), await SchemaCatalog.DescribeAsync(db));
    }

    [PostgresFact]
    public async Task Migrate_CurrentThenPreviousRelease_InteroperateOnOneHistory()
    {
        await using var db = await Db.FreshAsync("interop");

        Assert.Equal([1, 2, 3], await new PostgresMigrator(db, Options).MigrateAsync(3));
        var old = new PreviousReleaseMigrator(db, Options);
        Assert.Equal(3, (await old.GetStatusAsync()).CurrentVersion);
        Assert.Empty((await old.GetStatusAsync()).Drift);
        Assert.Equal(Enumerable.Range(4, SchemaMigrations.LatestVersion - 3), await old.MigrateAsync());

        Assert.True((await new PostgresMigrator(db, Options).VerifyAsync()).IsUpToDate);
        Assert.Equal([SchemaMigrations.LatestVersion, SchemaMigrations.LatestVersion - 1], await new PostgresMigrator(db, Options).RollbackAsync(SchemaMigrations.LatestVersion - 2));
        Assert.Equal([SchemaMigrations.LatestVersion - 1, SchemaMigrations.LatestVersion], await old.MigrateAsync());
        Assert.Equal(await CleanCatalogAsync(), await SchemaCatalog.DescribeAsync(db));
    }

    [PostgresFact]
    public async Task RollbackAsync_UnknownNewerVersionApplied_RefusesAndChangesNothing()
    {
        await using var db = await Db.FreshAsync("unknown");
        var migrator = new PostgresMigrator(db, Options);
        await migrator.MigrateAsync();
        await Db.ExecAsync(db, $"INSERT INTO {SchemaMigrations.HistoryTableName} (version, name, checksum) VALUES (99, 'from_a_newer_release', repeat('a', 64))");
        var before = await SchemaCatalog.DescribeAsync(db);

        var ex = await Assert.ThrowsAsync<MigrationException>(() => migrator.RollbackAsync(0));

        Assert.Equal(MigrationFailure.UnknownVersion, ex.Failure);
        Assert.Equal(99, ex.Version);
        Assert.Contains("from_a_newer_release", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, await SchemaCatalog.DescribeAsync(db));

        // An older instance in a rolling deployment keeps working: nothing pending, verification passes.
        Assert.Empty(await migrator.MigrateAsync());
        var status = await migrator.VerifyAsync();
        Assert.Equal(99, Assert.Single(status.Unknown).Version);
        Assert.Equal(MigrationFailure.UnknownVersion, (await Assert.ThrowsAsync<MigrationException>(() => migrator.VerifyCatalogAsync())).Failure);

        // Rolling back down to the unknown version itself crosses nothing unknown.
        Assert.Empty(await migrator.RollbackAsync(99));
    }

    [PostgresFact]
    public async Task RollbackAsync_ToZero_KeepsHostTablesTheSchemaAndAnEmptyHistoryTable()
    {
        await using var db = await Db.FreshAsync("rollback_zero");
        await Db.ExecAsync(db, "CREATE SCHEMA pm_zero");
        var migrator = Db.Migrator(db, "pm_zero");
        await migrator.MigrateAsync();

        Assert.Equal(Enumerable.Range(1, SchemaMigrations.LatestVersion).Reverse(), await migrator.RollbackAsync(0));

        // FluentMigrator's own RollbackToVersion(0) would drop the version table (and, owning the schema, the schema).
        Assert.Equal(["domains", SchemaMigrations.HistoryTableName, "tenants", "users"], (await Db.TablesAsync(db, "pm_zero")).Order(StringComparer.Ordinal));
        Assert.Equal(0L, await Db.ScalarAsync<long>(db, $"SELECT count(*) FROM pm_zero.{SchemaMigrations.HistoryTableName}"));
        Assert.Equal(1L, await Db.ScalarAsync<long>(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pm_zero'"));
        Assert.Empty(await migrator.RollbackAsync(0));
        Assert.Equal(SchemaMigrations.LatestVersion, (await migrator.MigrateAsync()).Count);
    }

    [PostgresFact]
    public async Task MigrateAsync_DriftInAnAdoptedHistory_ThrowsBeforeFluentMigratorRuns()
    {
        await using var db = await Db.FreshAsync("adopt_drift");
        await new PreviousReleaseMigrator(db, Options).MigrateAsync(6);
        await Db.ExecAsync(db, $"UPDATE {SchemaMigrations.HistoryTableName} SET checksum = repeat('f', 64) WHERE version = 4");
        var migrator = new PostgresMigrator(db, Options);

        var ex = await Assert.ThrowsAsync<SchemaDriftException>(() => migrator.MigrateAsync());

        Assert.Equal(4, Assert.Single(ex.Drift).Version);
        Assert.Equal(6, (await migrator.GetStatusAsync()).CurrentVersion);
        Assert.Equal(4, Assert.Single((await Assert.ThrowsAsync<SchemaDriftException>(() => migrator.VerifyCatalogAsync())).Drift).Version);
        await Assert.ThrowsAsync<SchemaDriftException>(() => migrator.RollbackAsync(0));
    }

    [PostgresFact]
    public async Task MigrateAsync_DataSourceWhoseConnectionStringAloneCannotWrite_FluentMigratorUsesTheDataSourcesConnections()
    {
        // The throwaway cluster trusts every login, so a missing password cannot be shown to fail here. This proves the
        // stronger property behind it: FluentMigrator works only on connections the data source opens (here the only
        // writable ones), never on a copy of NpgsqlDataSource.ConnectionString (which drops the password).
        var cs = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync("datasource_only"))
        {
            Options = "-c default_transaction_read_only=on",
            NoResetOnClose = true,
        }.ConnectionString;
        var builder = new NpgsqlDataSourceBuilder(cs);
        builder.UsePhysicalConnectionInitializer(
            c =>
            {
                using var command = new NpgsqlCommand("SET default_transaction_read_only = off", c);
                command.ExecuteNonQuery();
            },
            async c =>
            {
                await using var command = new NpgsqlCommand("SET default_transaction_read_only = off", c);
                await command.ExecuteNonQueryAsync();
            });
        await using var db = builder.Build();
        await using (var plain = new NpgsqlConnection(db.ConnectionString))
        {
            await plain.OpenAsync();
            await using var write = new NpgsqlCommand("CREATE TABLE probe (id int)", plain);
            Assert.Equal("25006", Assert.IsType<PostgresException>(await Record.ExceptionAsync(() => write.ExecuteNonQueryAsync())).SqlState);
        }

        var applied = await Db.Migrator(db).MigrateAsync();

        Assert.Equal(Enumerable.Range(1, SchemaMigrations.LatestVersion), applied);
        Assert.True((await Db.Migrator(db).VerifyAsync()).IsUpToDate);
    }

    private static async Task<IReadOnlyList<string>> CleanCatalogAsync()
    {
        await using var clean = await Db.FreshAsync("adopt_clean");
        await Db.Migrator(clean).MigrateAsync();
        return await SchemaCatalog.DescribeAsync(clean);
    }
}
