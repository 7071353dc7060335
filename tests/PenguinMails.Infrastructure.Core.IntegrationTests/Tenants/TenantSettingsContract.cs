using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.Tenants;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Tenants;

public abstract class TenantSettingsContract : StaffContractBase
{
    private TenantSettings Service => new(Store.TenantConfigs, Store.TenantPolicies);

    private async Task<TenantId> NewTenantAsync()
    {
        var tenant = new TenantId(Guid.CreateVersion7());
        await Store.AddTenantAsync(tenant);
        return tenant;
    }

    [Fact]
    public async Task GetAsync_NoRow_ReturnsSchemaDefaultsWithoutStoring()
    {
        var tenant = await NewTenantAsync();
        Assert.Equal(TenantConfig.Default(tenant), await Service.GetConfigAsync(tenant));
        Assert.Equal(TenantPolicies.Default(tenant), await Service.GetPoliciesAsync(tenant));
        Assert.Null(await Store.TenantConfigs.GetAsync(tenant));
        Assert.Null(await Store.TenantPolicies.GetAsync(tenant));
    }

    [Fact]
    public async Task SavePoliciesAsync_DefaultThenChanged_InsertsThenUpdates()
    {
        var tenant = await NewTenantAsync();
        var first = await Service.SavePoliciesAsync((await Service.GetPoliciesAsync(tenant)) with { TwoFactorRequired = true });
        Assert.True((await Service.GetPoliciesAsync(tenant)).TwoFactorRequired);

        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Service.SavePoliciesAsync(first with { MaxLoginAttempts = 3 });
        Assert.Equal(3, (await Service.GetPoliciesAsync(tenant)).MaxLoginAttempts);
        Assert.True(second.TwoFactorRequired);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Service.SavePoliciesAsync(first with { MaxLoginAttempts = 4 }));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Service.SavePoliciesAsync(TenantPolicies.Default(tenant)));
    }

    [Fact]
    public async Task SavePoliciesAsync_Invalid_ListsEveryFieldAndWritesNothing()
    {
        var tenant = await NewTenantAsync();
        var ex = await Assert.ThrowsAsync<EntityValidationException>(
            () => Service.SavePoliciesAsync(TenantPolicies.Default(tenant) with { PasswordMinLength = 0, MaxLoginAttempts = 0, SessionTimeoutHours = 0 })
        );
        Assert.Equal(["password_min_length", "session_timeout_hours", "max_login_attempts"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Store.TenantPolicies.GetAsync(tenant));
    }

    [Fact]
    public async Task SaveConfigAsync_DefaultThenChanged_InsertsThenUpdates()
    {
        var tenant = await NewTenantAsync();
        var first = await Service.SaveConfigAsync((await Service.GetConfigAsync(tenant)) with { NotifyOnSecurityAlerts = true });
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        await Service.SaveConfigAsync(first with { UiTimezone = "Europe/Lisbon" });
        var read = await Service.GetConfigAsync(tenant);
        Assert.True(read.NotifyOnSecurityAlerts);
        Assert.Equal("Europe/Lisbon", read.UiTimezone);
    }

    [Fact]
    public async Task SaveConfigAsync_UnknownTenant_ReferencedEntityMissing() =>
        await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Service.SaveConfigAsync(TenantConfig.Default(new TenantId(Guid.CreateVersion7()))));
}

public sealed class InMemoryTenantSettingsTests : TenantSettingsContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class PostgresTenantSettingsTests(PostgresContractDatabase database) : TenantSettingsContract, IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}
