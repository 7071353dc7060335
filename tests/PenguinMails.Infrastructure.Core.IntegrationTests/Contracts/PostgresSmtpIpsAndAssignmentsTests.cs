using Npgsql;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

public sealed class PostgresSmtpIpAddressRepositoryTests(PostgresContractDatabase database)
    : SmtpIpAddressRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));

    [Fact]
    public async Task GetAsync_RowsWrittenByOtherCode_NullCountOrUnknownStatusAreReported()
    {
        var nullCount = Guid.CreateVersion7();
        var unknownStatus = Guid.CreateVersion7();
        await using (var command = database.DataSource.CreateCommand(
            "INSERT INTO smtp_ip_addresses (id, ip_address, status, assigned_count) VALUES ($1, '192.0.2.1', 'available', NULL), ($2, '192.0.2.2', NULL, 0)"))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = nullCount });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = unknownStatus });
            await command.ExecuteNonQueryAsync();
        }

        var count = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => Store.SmtpIpAddresses.GetAsync(new SmtpIpAddressId(nullCount)));
        var status = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => Store.SmtpIpAddresses.GetAsync(new SmtpIpAddressId(unknownStatus)));

        Assert.Equal(("smtp_ip_addresses", "assigned_count", nullCount.ToString("D")), (count.Table, count.Column, count.RowKey));
        Assert.Equal(("status", unknownStatus.ToString("D")), (status.Column, status.RowKey));
        // A NULL count is adjusted from the column default, 0.
        Assert.Equal(1, (await Store.SmtpIpAddresses.AdjustAssignedCountAsync(new SmtpIpAddressId(nullCount), 1)).AssignedCount);
    }
}

public sealed class PostgresDomainIpAssignmentRepositoryTests(PostgresContractDatabase database)
    : DomainIpAssignmentRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));

    [Fact]
    public async Task GetAsync_NullWarmupState_ReadsAsUnwarmedAndMovesFromIt()
    {
        var vps = await Store.VpsInstances.AddAsync(new VpsInstance { HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N") });
        var ip = await Store.SmtpIpAddresses.AddAsync(new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "198.51.100.20" });
        var domain = DomainId.New();
        await Store.AddDomainAsync(domain);
        var id = Guid.CreateVersion7();
        await using (var command = database.DataSource.CreateCommand(
            "INSERT INTO domain_ip_assignments (id, domain_id, smtp_ip_address_id, status, warmup_state) VALUES ($1, $2, $3, 'active', NULL)"))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = domain.Value });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = ip.Id.Value });
            await command.ExecuteNonQueryAsync();
        }

        var read = await Store.DomainIpAssignments.GetAsync(new DomainIpAssignmentId(id));
        var warming = await Store.DomainIpAssignments.ChangeWarmupStateAsync(read!, WarmupState.Warming);

        Assert.Equal(WarmupState.Unwarmed, read!.WarmupState);
        Assert.Equal(WarmupState.Warming, warming.WarmupState);
    }

    [Fact]
    public async Task GetAsync_UnknownStatus_IsReported()
    {
        var id = Guid.CreateVersion7();
        await using (var command = database.DataSource.CreateCommand("INSERT INTO domain_ip_assignments (id, status) VALUES ($1, NULL)"))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            await command.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => Store.DomainIpAssignments.GetAsync(new DomainIpAssignmentId(id)));

        Assert.Equal(("domain_ip_assignments", "status", id.ToString("D")), (ex.Table, ex.Column, ex.RowKey));
    }
}
