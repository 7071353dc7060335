using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.DependencyInjection.Internal;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Internal;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Reliability;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// The optional transient retry: reads are retried through a terminated connection, writes only when they certainly
/// did not reach the server, never a write whose outcome is unknown nor anything inside a unit of work.
/// </summary>
public sealed class TransientRetryTests : IAsyncLifetime
{
    private const int RetryEvent = PenguinMailsInfraEventIds.TransientRetry;
    private readonly FakeLogger<TransientRetryTests> _log = new();
    private FaultDatabase? _db;

    private FaultDatabase Db => _db!;

    public async Task InitializeAsync()
    {
        _db = await FaultDatabase.CreateAsync("retry");
        _retry = new TransientRetry(new TransientRetryOptions { Enabled = true, Delay = TimeSpan.FromMilliseconds(5) }, _log);
    }

    private TransientRetry? _retry;

    /// <summary>A repository built the way a registration with retry on builds its repositories.</summary>
    private static NpgsqlVpsInstanceRepository Retrying(NpgsqlDataSource dataSource, TransientRetry retry) =>
        new(new PgExecutor(dataSource, "public", retry: retry), TimeProvider.System);

    public async Task DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task Read_PooledConnectionTerminated_IsRetriedAndSucceeds()
    {
        var repo = Retrying(Db.DataSource, _retry!);
        var vps = await repo.AddAsync(new VpsInstance());
        Assert.Equal(1, await Db.TerminateAsync("idle"));

        Assert.Equal(vps.Id, (await repo.GetAsync(vps.Id))!.Id);

        Assert.Equal(1, _log.Count(RetryEvent));
        Assert.Contains("VpsInstance", _log.Entries.Single(e => e.EventId.Id == RetryEvent).Message, StringComparison.Ordinal);
        Assert.Empty(await Db.LeftoversAsync());
    }

    [PostgresFact]
    public async Task Write_PooledConnectionTerminated_IsNeverRetriedBecauseItsOutcomeIsUnknown()
    {
        var repo = Retrying(Db.DataSource, _retry!);
        var vps = await repo.AddAsync(new VpsInstance());
        Assert.Equal(1, await Db.TerminateAsync("idle"));

        var ex = await Assert.ThrowsAsync<TransientDatabaseException>(() => repo.ChangeStatusAsync(vps, VpsInstanceStatus.Active));

        Assert.True(ex.CommitOutcomeUnknown);
        Assert.Equal(0, _log.Count(RetryEvent));
        Assert.Equal(VpsInstanceStatus.Provisioning, (await repo.GetAsync(vps.Id))!.Status);
    }

    [PostgresFact]
    public async Task UnitOfWork_BackendTerminated_IsNeverRetried()
    {
        var newVps = new VpsInstance();
        await using (var uow = await new NpgsqlInfraUnitOfWorkFactory(Db.DataSource).BeginAsync())
        {
            await uow.VpsInstances.AddAsync(newVps);
            Assert.Equal(1, await Db.TerminateAsync("idle in transaction"));

            // Even a read: the unit's transaction is gone, only the caller can redo the whole unit.
            await Assert.ThrowsAsync<TransientDatabaseException>(() => uow.VpsInstances.GetAsync(newVps.Id));
        }

        Assert.Equal(0, _log.Count(RetryEvent));
        Assert.Null(await new NpgsqlVpsInstanceRepository(Db.DataSource).GetAsync(newVps.Id));
    }

    [PostgresFact]
    public async Task Write_ServerUnreachable_IsRetriedBecauseNothingWasSentThenThrowsTransient()
    {
        var csb = new NpgsqlConnectionStringBuilder(Db.ConnectionString) { Port = 1, Timeout = 2 };
        await using var dead = NpgsqlDataSource.Create(csb.ConnectionString);
        var retry = new TransientRetry(new TransientRetryOptions { Enabled = true, MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(1) }, _log);

        var ex = await Assert.ThrowsAsync<TransientDatabaseException>(() => Retrying(dead, retry).AddAsync(new VpsInstance()));

        Assert.False(ex.CommitOutcomeUnknown);
        Assert.Equal(2, _log.Count(RetryEvent));
    }

    [PostgresFact]
    public async Task Registration_OffByDefault_OnWithAddTransientRetry()
    {
        await using var off = Provider(retry: false);
        await using var on = Provider(retry: true);

        Assert.False(off.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value.TransientRetry.Enabled);
        Assert.Null(off.GetRequiredService<InfraDataSource>().Retry);
        Assert.NotNull(on.GetRequiredService<InfraDataSource>().Retry);
    }

    [PostgresFact]
    public async Task Registration_WithRetry_ARepositoryTheApplicationBuildsDoesNotRetry()
    {
        await using var on = Provider(retry: true);
        Assert.NotNull(on.GetRequiredService<InfraDataSource>().Retry);
        await using var dead = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Db.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString);
        var own = new NpgsqlVpsInstanceRepository(dead);

        await Assert.ThrowsAsync<TransientDatabaseException>(() => own.GetAsync(new VpsInstanceId(Guid.NewGuid())));

        Assert.Equal(0, _log.Count(RetryEvent));
    }

    [PostgresFact]
    public async Task Registration_InvalidRetryOptions_FailEveryRuleAtOnce()
    {
        var services = new ServiceCollection();
        services.AddPenguinMailsInfra(o => o.ConnectionString = Db.ConnectionString).AddTransientRetry(o =>
        {
            o.MaxRetryAttempts = 0;
            o.Delay = TimeSpan.FromMinutes(1);
        });
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value);

        Assert.Equal(3, ex.Failures.Count());
        Assert.All(ex.Failures, f => Assert.StartsWith("PenguinMailsInfra:TransientRetry:", f, StringComparison.Ordinal));
    }

    private ServiceProvider Provider(bool retry)
    {
        var services = new ServiceCollection();
        var builder = services.AddPenguinMailsInfra(o =>
        {
            o.ConnectionString = Db.ConnectionString;
            o.StartupMigration = MigrationMode.Off;
        });
        if (retry)
        {
            builder.AddTransientRetry(o => o.MaxRetryAttempts = 5);
        }

        return services.BuildServiceProvider();
    }
}
