using System.Globalization;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;
using PenguinMails.Infrastructure.TestKit.Reliability;
using Xunit.Abstractions;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// The server is stopped (<c>pg_ctl stop -m fast</c>) and started again while 8 workers write, on a private cluster of
/// this test: every acknowledged write is present, every failed one absent, every failure typed, and the package
/// recovers by itself (the data source's pool) once the server is back.
/// </summary>
public sealed class ServerRestartTests(ITestOutputHelper output)
{
    private const int Workers = 8;
    private const int SuccessesAfterRestart = 25;

    [PrivatePostgresFact]
    public async Task EightWorkers_ServerStoppedAndStarted_LedgerMatchesAndTheyRecoverWithoutHelp()
    {
        await using var cluster = await PrivatePostgresCluster.StartNewAsync();
        var cs = new NpgsqlConnectionStringBuilder(await cluster.CreateDatabaseAsync("restart")) { ApplicationName = "faults-restart", Timeout = 3 }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await new PostgresMigrator(dataSource, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
        var ledger = new OperationLedger();
        var workload = new Workload(
            new WorkloadStore(
                new NpgsqlVpsInstanceRepository(dataSource),
                new NpgsqlSmtpIpAddressRepository(dataSource),
                new NpgsqlDomainIpAssignmentRepository(dataSource),
                new NpgsqlInfraUnitOfWorkFactory(dataSource),
                id => AddDomainAsync(dataSource, id)),
            ledger);
        await workload.SeedAsync(200, domainCount: 20);

        var restarted = 0;
        var stop = 0;
        var before = new int[Workers];
        var after = new int[Workers];
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (Volatile.Read(ref stop) == 0)
            {
                var wasRestarted = Volatile.Read(ref restarted) == 1;
                if (await workload.RunOneAsync(random))
                {
                    (wasRestarted ? after : before)[w]++;
                }
                else
                {
                    await Task.Delay(10);
                }
            }
        })).ToArray();

        await WaitUntilAsync(() => before.All(n => n >= 10), TimeSpan.FromSeconds(60));
        await cluster.StopAsync("fast");
        await Task.Delay(1000);
        await cluster.StartAsync();
        Volatile.Write(ref restarted, 1);
        var recovered = await WaitUntilAsync(() => after.All(n => n >= SuccessesAfterRestart), TimeSpan.FromSeconds(60));
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(workers);

        var snapshot = await StoreSnapshot.ReadAsync(
            new NpgsqlVpsInstanceRepository(dataSource),
            new NpgsqlSmtpIpAddressRepository(dataSource),
            new NpgsqlDomainIpAssignmentRepository(dataSource));
        var violations = InvariantChecker.Check(ledger, snapshot);
        output.WriteLine(ledger.ToString());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"acknowledged per worker before the stop: {string.Join(", ", before)}; after the restart: {string.Join(", ", after)}"));

        Assert.True(recovered, $"not every worker recovered: {string.Join(", ", after)}; {cluster.LogTail()}");
        Assert.True(ledger.ErrorCount<TransientDatabaseException>() > 0, "the stop did not reach the workers: " + ledger);
        Assert.Empty(ledger.UntypedErrors);
        Assert.Empty(violations);
        Assert.Empty(await PostgresQuiescence.CheckAsync(cluster.AdminConnectionString, cs, [dataSource]));
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    private static async Task AddDomainAsync(NpgsqlDataSource dataSource, DomainId id)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO domains (id) VALUES ($1)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id.Value });
        await command.ExecuteNonQueryAsync();
    }
}
