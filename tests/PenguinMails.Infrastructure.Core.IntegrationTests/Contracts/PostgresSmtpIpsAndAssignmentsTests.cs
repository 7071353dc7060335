namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

public sealed class PostgresSmtpIpAddressRepositoryTests(PostgresContractDatabase database)
    : SmtpIpAddressRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}

public sealed class PostgresDomainIpAssignmentRepositoryTests(PostgresContractDatabase database)
    : DomainIpAssignmentRepositoryContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}
