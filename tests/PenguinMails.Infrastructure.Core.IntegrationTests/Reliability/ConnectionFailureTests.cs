using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// A login the server rejects, a database that does not exist and a server that cannot be reached are typed exceptions
/// of the package on every path (a repository, a unit of work, the migrator), never raw driver exceptions.
/// </summary>
public sealed class ConnectionFailureTests
{
    public enum Failure
    {
        UnknownRole,
        MissingDatabase,
        Unreachable,
    }

    private static async Task<string> ConnectionStringAsync(Failure failure)
    {
        var good = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync("connfail"));
        return failure switch
        {
            Failure.UnknownRole => new NpgsqlConnectionStringBuilder(good.ConnectionString) { Username = "no_such_role_" + Guid.NewGuid().ToString("N")[..6] }.ConnectionString,
            Failure.MissingDatabase => new NpgsqlConnectionStringBuilder(good.ConnectionString) { Database = good.Database + "_missing" }.ConnectionString,
            _ => new NpgsqlConnectionStringBuilder(good.ConnectionString) { Host = "127.0.0.1", Port = 1, Timeout = 2 }.ConnectionString,
        };
    }

    [PostgresTheory]
    [InlineData(Failure.UnknownRole, PostgresErrorCodes.InvalidAuthorizationSpecification)]
    [InlineData(Failure.MissingDatabase, PostgresErrorCodes.InvalidCatalogName)]
    public async Task Repository_LoginRejected_IsDatabaseConnectionException(Failure failure, string sqlState)
    {
        await using var dataSource = NpgsqlDataSource.Create(await ConnectionStringAsync(failure));

        var ex = await Assert.ThrowsAsync<DatabaseConnectionException>(() => new NpgsqlVpsInstanceRepository(dataSource).GetAsync(VpsInstanceId.New()));
        var uow = await Assert.ThrowsAsync<DatabaseConnectionException>(async () => await new NpgsqlInfraUnitOfWorkFactory(dataSource).BeginAsync());

        Assert.Equal(sqlState, ex.SqlState);
        Assert.Equal(sqlState, uow.SqlState);
        Assert.False(ex.IsTransient);
    }

    [PostgresFact]
    public async Task Repository_ServerUnreachable_IsTransient()
    {
        await using var dataSource = NpgsqlDataSource.Create(await ConnectionStringAsync(Failure.Unreachable));

        var ex = await Assert.ThrowsAsync<TransientDatabaseException>(() => new NpgsqlVpsInstanceRepository(dataSource).GetAsync(VpsInstanceId.New()));

        Assert.False(ex.CommitOutcomeUnknown);
    }

    [PostgresTheory]
    [InlineData(Failure.UnknownRole, "authentication failed")]
    [InlineData(Failure.MissingDatabase, "the database does not exist")]
    [InlineData(Failure.Unreachable, "connection refused")]
    public async Task Migrator_EveryEntryPoint_ConnectionFailureIsAMigrationException(Failure failure, string reason)
    {
        var connectionString = await ConnectionStringAsync(failure);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var migrator = new PostgresMigrator(dataSource, new MigratorOptions { CreateHostTables = true });
        Func<Task>[] calls = [() => migrator.MigrateAsync(), () => migrator.RollbackAsync(0), () => migrator.GetStatusAsync(), () => migrator.VerifyAsync(), () => migrator.VerifyCatalogAsync()];

        foreach (var call in calls)
        {
            var ex = await Assert.ThrowsAsync<MigrationException>(call);

            Assert.Equal(MigrationFailure.ConnectionFailed, ex.Failure);
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
            Assert.Contains(new NpgsqlConnectionStringBuilder(connectionString).Host!, ex.Message, StringComparison.Ordinal);
        }
    }
}
