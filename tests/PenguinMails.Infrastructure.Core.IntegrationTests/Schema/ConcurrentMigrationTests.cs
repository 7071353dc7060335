using System.Diagnostics;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;
using Xunit.Abstractions;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>
/// Many migrators at once on an empty database: in one process (separate data sources, so separate sessions), in
/// separate processes (the CLI), and old-release beside new-release migrators. FluentMigrator alone fails here (its
/// runners race to create their version table); the package's lock, taken before anything reads the history, makes
/// exactly one of them apply each version.
/// </summary>
public sealed class ConcurrentMigrationTests(ITestOutputHelper output)
{
    private static readonly int[] AllVersions = Enumerable.Range(1, SchemaMigrations.LatestVersion).ToArray();

    [PostgresTheory]
    [InlineData("public")]
    [InlineData("pm_parallel")]
    public async Task MigrateAsync_TenMigratorsInParallelOnAnEmptyDatabase_OneAppliesEverythingAndNoneFails(string schema)
    {
        var cs = await PostgresServer.CreateDatabaseAsync("parallel");
        var dataSources = Enumerable.Range(0, 10)
            .Select(i => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(cs) { ApplicationName = $"migrator-{i}" }.ConnectionString))
            .ToArray();
        try
        {
            using var start = new ManualResetEventSlim(false);
            var clock = Stopwatch.StartNew();
            var tasks = dataSources
                .Select(ds => Task.Run(async () =>
                {
                    start.Wait();
                    return await Db.Migrator(ds, schema).MigrateAsync();
                }))
                .ToArray();
            start.Set();

            var results = await Task.WhenAll(tasks);
            clock.Stop();

            output.WriteLine($"10 in-process migrators, schema {schema}: {results.Count(r => r.Count > 0)} applied, 0 errors, wall {clock.ElapsedMilliseconds} ms");
            var appliers = results.Where(r => r.Count > 0).ToArray();
            Assert.Equal(AllVersions, Assert.Single(appliers));
            Assert.Equal(9, results.Count(r => r.Count == 0));
            await AssertCompleteAsync(dataSources[0], schema);
        }
        finally
        {
            foreach (var ds in dataSources)
            {
                await ds.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task Cli_TenMigrateProcessesAtOnceOnAnEmptyDatabase_OneAppliesNoneFails()
    {
        var cs = await PostgresServer.CreateDatabaseAsync("parallel_cli");
        var clock = Stopwatch.StartNew();

        var runs = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => CliProcess.RunAsync(["migrate", "--create-host-tables", "--connection", cs])));
        clock.Stop();

        output.WriteLine($"10 penguinmails-infra migrate processes: {runs.Count(r => r.Stdout.Contains("applied", StringComparison.Ordinal))} applied, {runs.Count(r => r.ExitCode != 0)} errors, wall {clock.ElapsedMilliseconds} ms");
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Single(runs, r => r.Stdout.Contains($"applied {string.Join(", ", AllVersions)}", StringComparison.Ordinal));
        Assert.Equal(9, runs.Count(r => r.Stdout.Contains("nothing to apply", StringComparison.Ordinal)));
        await using var db = NpgsqlDataSource.Create(cs);
        await AssertCompleteAsync(db, "public");
    }

    [PostgresFact]
    public async Task MigrateAsync_PreviousReleaseAndCurrentMigratorsAtOnce_EachVersionOnceNoErrorsSameCatalog()
    {
        var cs = await PostgresServer.CreateDatabaseAsync("parallel_mixed");
        var dataSources = Enumerable.Range(0, 10)
            .Select(i => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(cs) { ApplicationName = $"mixed-{i}" }.ConnectionString))
            .ToArray();
        try
        {
            using var start = new ManualResetEventSlim(false);
            var clock = Stopwatch.StartNew();
            var tasks = dataSources
                .Select((ds, i) => Task.Run(async () =>
                {
                    start.Wait();
                    var options = new MigratorOptions { CreateHostTables = true, MigrationLockTimeout = TimeSpan.FromSeconds(60) };
                    return i % 2 == 0
                        ? (Old: true, Applied: await new PreviousReleaseMigrator(ds, options).MigrateAsync())
                        : (Old: false, Applied: await new PostgresMigrator(ds, options).MigrateAsync());
                }))
                .ToArray();
            start.Set();

            var results = await Task.WhenAll(tasks);
            clock.Stop();

            output.WriteLine($"5 previous-release + 5 current migrators: versions applied by old {results.Where(r => r.Old).Sum(r => r.Applied.Count)}, by new {results.Where(r => !r.Old).Sum(r => r.Applied.Count)}, 0 errors, wall {clock.ElapsedMilliseconds} ms");
            Assert.Equal(AllVersions, results.SelectMany(r => r.Applied).Order());
            await AssertCompleteAsync(dataSources[0], "public");
            await using var clean = await Db.FreshAsync("parallel_mixed_clean");
            await Db.Migrator(clean).MigrateAsync();
            Assert.Equal(await SchemaCatalog.DescribeAsync(clean), await SchemaCatalog.DescribeAsync(dataSources[0]));
        }
        finally
        {
            foreach (var ds in dataSources)
            {
                await ds.DisposeAsync();
            }
        }
    }

    private static async Task AssertCompleteAsync(NpgsqlDataSource db, string schema)
    {
        var status = await Db.Migrator(db, schema).VerifyAsync();
        Assert.Equal(AllVersions, status.Applied.Select(a => a.Version));
        Assert.Equal(SchemaMigrations.LatestVersion, (int)await Db.ScalarAsync<long>(db, $"SELECT count(*) FROM {schema}.{SchemaMigrations.HistoryTableName}"));
        Assert.True((await Db.Migrator(db, schema).VerifyCatalogAsync()).IsClean);

        // FluentMigrator's own version table is never created: the package's history is the version table.
        Assert.Equal(0L, await Db.ScalarAsync<long>(db, "SELECT count(*) FROM pg_class WHERE lower(relname) = 'versioninfo'"));
    }
}
