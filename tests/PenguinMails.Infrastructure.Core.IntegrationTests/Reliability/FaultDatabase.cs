using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;
using PenguinMails.Infrastructure.TestKit.Reliability;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// A fresh, migrated database whose data source has an application name of its own, so that a test can find and
/// terminate exactly its sessions from an admin connection.
/// </summary>
internal sealed class FaultDatabase : IAsyncDisposable
{
    private FaultDatabase(string connectionString, string adminConnectionString, string applicationName)
    {
        ConnectionString = connectionString;
        AdminConnectionString = adminConnectionString;
        ApplicationName = applicationName;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }

    public string AdminConnectionString { get; }

    public string ApplicationName { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<FaultDatabase> CreateAsync(string prefix, bool migrate = true)
    {
        var applicationName = "faults-" + Guid.NewGuid().ToString("N")[..12];
        var cs = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync(prefix)) { ApplicationName = applicationName }.ConnectionString;
        var db = new FaultDatabase(cs, await PostgresServer.GetAdminConnectionStringAsync(), applicationName);
        if (migrate)
        {
            await db.Migrator().MigrateAsync();
        }

        return db;
    }

    public PostgresMigrator Migrator() => new(DataSource, new MigratorOptions { CreateHostTables = true, MigrationLockTimeout = TimeSpan.FromSeconds(60) });

    /// <summary>Terminates this database's sessions in <paramref name="state"/> (any state when null); returns how many.</summary>
    public async Task<int> TerminateAsync(string? state = null)
    {
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND ($2::text IS NULL OR state = $2)",
            admin);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ApplicationName });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)state ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var pids = new List<int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                pids.Add(reader.GetInt32(0));
            }
        }

        foreach (var pid in pids)
        {
            await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend($1, 5000)", admin);
            terminate.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pid });
            Assert.True((bool)(await terminate.ExecuteScalarAsync())!, $"backend {pid} did not end");
        }

        return pids.Count;
    }

    /// <summary>Locks, sessions and pooled connections left behind by the test.</summary>
    public Task<IReadOnlyList<string>> LeftoversAsync() => PostgresQuiescence.CheckAsync(AdminConnectionString, ConnectionString, [DataSource]);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
