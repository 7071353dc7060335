using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// The backend of a connection is terminated (<c>pg_terminate_backend</c> from an admin connection) while the package
/// uses it: a typed transient error, nothing written, and the next call works without restarting anything.
/// </summary>
public sealed class ConnectionTerminationTests : IAsyncLifetime
{
    private FaultDatabase? _db;

    private FaultDatabase Db => _db!;

    public async Task InitializeAsync() => _db = await FaultDatabase.CreateAsync("terminate");

    public async Task DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task UnitOfWork_BackendTerminatedMidUnit_ThrowsTransientWritesNothingAndNextCallWorks()
    {
        var vpsRepo = new NpgsqlVpsInstanceRepository(Db.DataSource);
        var ipRepo = new NpgsqlSmtpIpAddressRepository(Db.DataSource);
        var vps = await vpsRepo.AddAsync(new VpsInstance());
        var newVps = new VpsInstance();
        var newIp = new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.10" };

        await using (var uow = await new NpgsqlInfraUnitOfWorkFactory(Db.DataSource).BeginAsync())
        {
            await uow.VpsInstances.AddAsync(newVps);
            Assert.Equal(1, await Db.TerminateAsync("idle in transaction"));

            var ex = await Assert.ThrowsAsync<TransientDatabaseException>(() => uow.SmtpIpAddresses.AddAsync(newIp));
            Assert.False(ex.CommitOutcomeUnknown);
            Assert.True(ex.IsTransient);
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.VpsInstances.GetAsync(newVps.Id));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
            await uow.RollbackAsync();
        }

        Assert.Null(await vpsRepo.GetAsync(newVps.Id));
        Assert.Null(await ipRepo.GetAsync(newIp.Id));
        await using (var again = await new NpgsqlInfraUnitOfWorkFactory(Db.DataSource).BeginAsync())
        {
            await again.VpsInstances.AddAsync(newVps);
            await again.SmtpIpAddresses.AddAsync(newIp);
            await again.CommitAsync();
        }

        Assert.NotNull(await vpsRepo.GetAsync(newVps.Id));
        Assert.Equal("192.0.2.10", (await ipRepo.GetAsync(newIp.Id))!.IpAddress);
        Assert.Empty(await Db.LeftoversAsync());
    }

    [PostgresFact]
    public async Task UnitOfWork_BackendTerminatedBeforeCommit_CommitThrowsTransientWithUnknownOutcomeAndNextUnitWorks()
    {
        var vpsRepo = new NpgsqlVpsInstanceRepository(Db.DataSource);
        var newVps = new VpsInstance();
        await using (var uow = await new NpgsqlInfraUnitOfWorkFactory(Db.DataSource).BeginAsync())
        {
            await uow.VpsInstances.AddAsync(newVps);
            Assert.Equal(1, await Db.TerminateAsync("idle in transaction"));

            // The client cannot tell whether the server committed before the connection ended: it says so.
            var ex = await Assert.ThrowsAsync<TransientDatabaseException>(() => uow.CommitAsync());
            Assert.True(ex.CommitOutcomeUnknown);
        }

        // Here the backend ended before COMMIT arrived, so nothing was written, and never half a unit.
        Assert.Null(await vpsRepo.GetAsync(newVps.Id));
        await using (var again = await new NpgsqlInfraUnitOfWorkFactory(Db.DataSource).BeginAsync())
        {
            await again.VpsInstances.AddAsync(newVps);
            await again.CommitAsync();
        }

        Assert.NotNull(await vpsRepo.GetAsync(newVps.Id));
        Assert.Empty(await Db.LeftoversAsync());
    }

    [PostgresFact]
    public async Task Read_PooledConnectionTerminated_ThrowsTransientOnceThenWorks()
    {
        var repo = new NpgsqlVpsInstanceRepository(Db.DataSource);
        var vps = await repo.AddAsync(new VpsInstance());
        Assert.Equal(1, await Db.TerminateAsync("idle"));

        var ex = await Assert.ThrowsAsync<TransientDatabaseException>(() => repo.GetAsync(vps.Id));

        Assert.False(ex.CommitOutcomeUnknown);
        Assert.Equal(vps.Id, (await repo.GetAsync(vps.Id))!.Id);
        Assert.Empty(await Db.LeftoversAsync());
    }

    [PostgresFact]
    public async Task Write_PooledConnectionTerminated_ThrowsTransientWithUnknownOutcomeThenWorks()
    {
        var repo = new NpgsqlVpsInstanceRepository(Db.DataSource);
        var vps = await repo.AddAsync(new VpsInstance());
        Assert.Equal(1, await Db.TerminateAsync("idle"));

        // A single write outside a unit of work: the statement was sent, no answer came back.
        var ex = await Assert.ThrowsAsync<TransientDatabaseException>(() => repo.ChangeStatusAsync(vps, VpsInstanceStatus.Active));

        Assert.True(ex.CommitOutcomeUnknown);
        Assert.Equal(VpsInstanceStatus.Provisioning, (await repo.GetAsync(vps.Id))!.Status);
        Assert.Equal(VpsInstanceStatus.Active, (await repo.ChangeStatusAsync(vps, VpsInstanceStatus.Active)).Status);
        Assert.Empty(await Db.LeftoversAsync());
    }
}
