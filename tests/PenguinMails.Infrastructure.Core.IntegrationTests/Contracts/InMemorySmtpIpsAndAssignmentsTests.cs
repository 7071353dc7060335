namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

public sealed class InMemorySmtpIpAddressRepositoryTests : SmtpIpAddressRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class InMemoryDomainIpAssignmentRepositoryTests : DomainIpAssignmentRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}
