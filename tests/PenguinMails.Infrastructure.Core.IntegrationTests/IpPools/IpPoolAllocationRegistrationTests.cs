using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.IpPools;

public sealed class IpPoolAllocationRegistrationTests
{
    [Fact]
    public async Task AddPenguinMailsInfra_InMemory_ResolvesInMemoryAllocatorOverTheSameStoreAndTheServices()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);
        services.AddPenguinMailsInfra(o => o.IpAllocation.MaxAssignmentsPerIp = 1).UseInMemoryStore();
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var allocator = provider.GetRequiredService<IIpPoolAllocator>();
        var vpsRepo = provider.GetRequiredService<IVpsInstanceRepository>();
        var vps = await vpsRepo.ChangeStatusAsync(await vpsRepo.AddAsync(new VpsInstance { Region = "us-east" }), VpsInstanceStatus.Active);
        await provider.GetRequiredService<Core.SmtpIps.ISmtpIpAddressRepository>().AddAsync(new Core.SmtpIps.SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.10" });
        var domain = DomainId.New();
        provider.GetRequiredService<InMemoryInfraStore>().AddDomain(domain);
        var allocation = await allocator.AllocateAsync(new IpAllocationRequest(domain));

        Assert.IsType<InMemoryIpPoolAllocator>(allocator);
        Assert.IsType<IpRotationService>(provider.GetRequiredService<IIpRotationService>());
        Assert.IsType<VpsDecommissionPlanner>(provider.GetRequiredService<IVpsDecommissionPlanner>());
        Assert.Equal(clock.GetUtcNow(), allocation.Assignment.Assigned);
        var ex = await Assert.ThrowsAsync<IpPoolExhaustedException>(() => allocator.AllocateAsync(new IpAllocationRequest(domain)));
        Assert.Equal(IpPoolExhaustionReason.NoEligibleIp, ex.Reason);
    }

    [Fact]
    public async Task AddPenguinMailsInfra_Postgres_ResolvesNpgsqlAllocator()
    {
        await using var provider = new ServiceCollection().AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost").Services.BuildServiceProvider();

        Assert.IsType<NpgsqlIpPoolAllocator>(provider.GetRequiredService<IIpPoolAllocator>());
        Assert.IsType<IpRotationService>(provider.GetRequiredService<IIpRotationService>());
    }

    [Fact]
    public async Task AddPenguinMailsInfra_InvalidAllocationOptions_ReportsEveryFailureOnResolve()
    {
        var services = new ServiceCollection();
        services.AddPenguinMailsInfra(o =>
        {
            o.IpAllocation.MaxAssignmentsPerIp = 0;
            o.IpAllocation.LockAttempts = 0;
        }).UseInMemoryStore();
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IIpPoolAllocator>());

        Assert.Equal(2, ex.Failures.Count());
    }
}
