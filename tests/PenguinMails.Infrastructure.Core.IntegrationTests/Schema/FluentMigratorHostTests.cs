using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>
/// The host-application recipe of docs/migrations.md, compiled as samples/PenguinMails.Infrastructure.FluentMigratorHost
/// and run as its own process: the host's FluentMigrator migrations and the package's, side by side in one database.
/// </summary>
public sealed class FluentMigratorHostTests
{
    private static string HostDll => CliProcess.BuiltDll(Path.Combine("samples", "PenguinMails.Infrastructure.FluentMigratorHost"), "PenguinMails.Infrastructure.FluentMigratorHost");

    [PostgresFact]
    public async Task HostApp_OwnMigrationsBesideThePackages_BothVersionTablesCompleteAndRerunIsANoOp()
    {
        var cs = await PostgresServer.CreateDatabaseAsync("fm_host");

        var first = await CliProcess.RunDllAsync(HostDll, ["--connection", cs]);
        var second = await CliProcess.RunDllAsync(HostDll, ["--connection", cs]);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains($"package: applied {string.Join(", ", Enumerable.Range(1, SchemaMigrations.LatestVersion))}", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("host: at version 202601010002", first.Stdout, StringComparison.Ordinal);
        Assert.Contains($"package: version {SchemaMigrations.LatestVersion}, catalog clean", first.Stdout, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("package: nothing to apply", second.Stdout, StringComparison.Ordinal);

        await using var db = NpgsqlDataSource.Create(cs);

        // Two version tables, each with its own versions: the host's VersionInfo and the package's history.
        Assert.Equal(["202601010001", "202601010002"], await Db.StringsAsync(db, "SELECT \"Version\"::text FROM public.\"VersionInfo\" ORDER BY 1"));
        Assert.Equal(
            Enumerable.Range(1, SchemaMigrations.LatestVersion).Select(v => $"{v} fluentmigrator-host"),
            await Db.StringsAsync(db, $"SELECT version || ' ' || applied_by FROM {SchemaMigrations.HistoryTableName} ORDER BY version"));

        // The host's tables (with their own columns) came first; the host's later table references the package's.
        Assert.Equal("character varying", await Db.ScalarAsync<string>(db, "SELECT data_type::text FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'"));
        Assert.Equal(
            "FOREIGN KEY (smtp_ip_address_id) REFERENCES smtp_ip_addresses(id)",
            await Db.ScalarAsync<string>(db, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'fk_domain_sending_notes_smtp_ip_address_id'"));
        Assert.True((await Db.Migrator(db, createHostTables: false).VerifyCatalogAsync()).IsClean);
    }
}
