using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

public sealed class ConcurrentMigrationTests
{
    [PostgresTheory]
    [InlineData("public")]
    [InlineData("pm_parallel")]
    public async Task MigrateAsync_TenMigratorsInParallelOnAnEmptyDatabase_ApplyEachVersionExactlyOnce(string schema)
    {
        var cs = await PostgresServer.CreateDatabaseAsync("parallel");
        var dataSources = Enumerable.Range(0, 10)
            .Select(i => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(cs) { ApplicationName = $"migrator-{i}" }.ConnectionString))
            .ToArray();
        try
        {
            using var start = new ManualResetEventSlim(false);
            var tasks = dataSources
                .Select(ds => Task.Run(async () =>
                {
                    start.Wait();
                    return await Db.Migrator(ds, schema).MigrateAsync();
                }))
                .ToArray();
            start.Set();

            var results = await Task.WhenAll(tasks);

            var all = results.SelectMany(r => r).ToArray();
            Assert.Equal(Enumerable.Range(1, SchemaMigrations.LatestVersion), all.Order());
            var status = await Db.Migrator(dataSources[0], schema).VerifyAsync();
            Assert.Equal(SchemaMigrations.LatestVersion, status.Applied.Count);
            Assert.Equal(SchemaMigrations.LatestVersion, (int)await Db.ScalarAsync<long>(dataSources[0], $"SELECT count(DISTINCT version) FROM {schema}.{SchemaMigrations.HistoryTableName}"));
        }
        finally
        {
            foreach (var ds in dataSources)
            {
                await ds.DisposeAsync();
            }
        }
    }
}
