using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit.Postgres;
using PenguinMails.Infrastructure.TestKit.Reliability;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Postgres;

/// <summary>Cancellation and timeouts in the middle of a query: typed errors, and the pool stays usable.</summary>
public sealed class CancellationAndTimeoutTests : IAsyncLifetime
{
    private string _connectionString = "";
    private NpgsqlDataSource? _dataSource;

    private NpgsqlDataSource DataSource => _dataSource!;

    public async Task InitializeAsync()
    {
        _connectionString = await PostgresServer.CreateDatabaseAsync("cancel");
        _dataSource = NpgsqlDataSource.Create(_connectionString);
        await new PostgresMigrator(_dataSource, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    /// <summary>Holds a row lock on the instance from another connection, so that a write to it waits.</summary>
    private async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> LockAsync(VpsInstanceId id)
    {
        var connection = await DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT 1 FROM vps_instances WHERE id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id.Value });
        await command.ExecuteScalarAsync();
        return (connection, transaction);
    }

    [PostgresFact]
    public async Task ChangeStatusAsync_TokenCancelledWhileWaiting_ThrowsCanceledWritesNothingAndNextCallWorks()
    {
        var repo = new NpgsqlVpsInstanceRepository(DataSource);
        var vps = await repo.AddAsync(new VpsInstance());
        var (connection, transaction) = await LockAsync(vps.Id);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repo.ChangeStatusAsync(vps, VpsInstanceStatus.Active, cancellationToken: cts.Token));

        await transaction.RollbackAsync();
        await connection.DisposeAsync();
        Assert.Equal(VpsInstanceStatus.Provisioning, (await repo.GetAsync(vps.Id))!.Status);
        Assert.Equal(VpsInstanceStatus.Active, (await repo.ChangeStatusAsync(vps, VpsInstanceStatus.Active)).Status);
    }

    [PostgresFact]
    public async Task UnitOfWork_TokenCancelledMidQuery_AbortsTheUnitAndCommitsNothing()
    {
        var repo = new NpgsqlVpsInstanceRepository(DataSource);
        var vps = await repo.AddAsync(new VpsInstance());
        var other = new VpsInstance();
        var (connection, transaction) = await LockAsync(vps.Id);
        await using (var uow = await new NpgsqlInfraUnitOfWorkFactory(DataSource).BeginAsync())
        {
            await uow.VpsInstances.AddAsync(other);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => uow.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Active, cancellationToken: cts.Token));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        await transaction.RollbackAsync();
        await connection.DisposeAsync();
        Assert.Null(await repo.GetAsync(other.Id));
    }

    [PostgresFact]
    public async Task AnyOperation_ServerStatementTimeout_ThrowsTransientAndConnectionIsUsableAfter()
    {
        var repo = new NpgsqlVpsInstanceRepository(DataSource);
        var vps = await repo.AddAsync(new VpsInstance());
        var csb = new NpgsqlConnectionStringBuilder(_connectionString) { Options = "-c statement_timeout=200" };
        await using var timed = NpgsqlDataSource.Create(csb.ConnectionString);
        var timedRepo = new NpgsqlVpsInstanceRepository(timed);
        var (connection, transaction) = await LockAsync(vps.Id);

        var ex = await Assert.ThrowsAsync<TransientDatabaseException>(() => timedRepo.ChangeStatusAsync(vps, VpsInstanceStatus.Active));

        Assert.True(ex.IsTransient);
        Assert.Equal("57014", Assert.IsType<PostgresException>(ex.InnerException).SqlState);
        await transaction.RollbackAsync();
        await connection.DisposeAsync();
        Assert.Equal(VpsInstanceStatus.Active, (await timedRepo.ChangeStatusAsync(vps, VpsInstanceStatus.Active)).Status);
    }

    [PostgresFact]
    public async Task UnitOfWork_StatementTimeoutThenCancelledToken_TypedErrorsAndNothingLeftBehind()
    {
        var repo = new NpgsqlVpsInstanceRepository(DataSource);
        var vps = await repo.AddAsync(new VpsInstance());
        var csb = new NpgsqlConnectionStringBuilder(_connectionString) { Options = "-c statement_timeout=200", ApplicationName = "timeouts-" + Guid.NewGuid().ToString("N")[..8] };
        await using var timed = NpgsqlDataSource.Create(csb.ConnectionString);
        var other = new VpsInstance();
        var (connection, transaction) = await LockAsync(vps.Id);
        await using (var uow = await new NpgsqlInfraUnitOfWorkFactory(timed).BeginAsync())
        {
            await uow.VpsInstances.AddAsync(other);
            var ex = await Assert.ThrowsAsync<TransientDatabaseException>(() => uow.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Active));
            Assert.False(ex.CommitOutcomeUnknown);
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        await using (var uow = await new NpgsqlInfraUnitOfWorkFactory(timed).BeginAsync())
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => uow.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Active, cancellationToken: cts.Token));
        }

        await transaction.RollbackAsync();
        await connection.DisposeAsync();

        // The same pool serves the next unit, and nothing of the failed ones is stored or held.
        await using (var uow = await new NpgsqlInfraUnitOfWorkFactory(timed).BeginAsync())
        {
            await uow.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Active);
            await uow.CommitAsync();
        }

        Assert.Null(await repo.GetAsync(other.Id));
        Assert.Equal(VpsInstanceStatus.Active, (await repo.GetAsync(vps.Id))!.Status);
        Assert.Empty(await PostgresQuiescence.CheckAsync(await PostgresServer.GetAdminConnectionStringAsync(), csb.ConnectionString, [timed]));
    }

    [PostgresFact]
    public async Task AnyOperation_ServerUnreachable_ThrowsTransientWithoutThePassword()
    {
        var csb = new NpgsqlConnectionStringBuilder(_connectionString) { Port = 1, Password = "s3cret-pass", Timeout = 2 };
        await using var dead = NpgsqlDataSource.Create(csb.ConnectionString);

        var ex = await Assert.ThrowsAsync<TransientDatabaseException>(() => new NpgsqlVpsInstanceRepository(dead).GetAsync(VpsInstanceId.New()));

        Assert.DoesNotContain("s3cret-pass", ex.ToString(), StringComparison.Ordinal);
    }
}
