using Microsoft.Extensions.Logging.Testing;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.SystemConfig;

public sealed record Limits(int Daily, int Hourly);

/// <summary>The system-config service over each store, with a real checker.</summary>
public abstract class SystemConfigServiceContract : StaffContractBase
{
    private const string Secret = "sk_live_TOPSECRET_4f9a";
    private CachedPermissionChecker? _checker;

    protected FakeLogger<SystemConfigService> Log { get; } = new();

    private SystemConfigService NewService() =>
        new(Store.SystemConfigs, _checker ??= new CachedPermissionChecker(Store.StaffMembers, Store.StaffRoles, timeProvider: Store.Clock), Log);

    private async Task<UserId> NewStaffAsync(params string[] permissions)
    {
        var user = await NewUserAsync();
        var role = await Store.StaffRoles.AddAsync(NewRole());
        foreach (var name in permissions)
        {
            await Store.StaffRoles.GrantAsync(role.Id, (await Store.Permissions.GetByNameAsync(name))!.Id);
        }

        await Store.StaffMembers.AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
        return user;
    }

    private static string Key() => Unique("test_key_");

    public override async Task DisposeAsync()
    {
        _checker?.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task SetValueAsync_ThenGetValueAsync_RoundTripsTypedAndRecordsUpdatedBy()
    {
        var writer = await NewStaffAsync(WellKnownPermissions.SystemConfigManage);
        var reader = await NewStaffAsync(WellKnownPermissions.SystemConfigRead);
        var stranger = await NewUserAsync();
        var service = NewService();
        var key = Key();

        var stored = await service.SetValueAsync(writer, key, new Limits(1000, 100));

        Assert.Equal(writer, stored.UpdatedBy);
        Assert.False(stored.IsSensitive);
        Assert.Equal(new Limits(1000, 100), await service.GetValueAsync<Limits>(reader, key));
        Assert.Equal(writer, (await Store.SystemConfigs.GetAsync(key))!.UpdatedBy);
        Assert.Null(await service.GetValueAsync<Limits>(reader, Key()));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => service.GetValueAsync<Limits>(stranger, key));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => service.GetEntryAsync(stranger, key));
    }

    [Fact]
    public async Task SetValueAsync_ExistingEntry_KeepsDescriptionCategoryAndSensitivity()
    {
        var writer = await NewStaffAsync(WellKnownPermissions.SystemConfigManage);
        var key = Key();
        await Store.SystemConfigs.AddAsync(SystemConfigEntry.Create(key, 1, isSensitive: true, description: "Retries.", category: "smtp"));

        var stored = await NewService().SetValueAsync(writer, key, 2);

        Assert.True(stored.IsSensitive);
        Assert.Equal("Retries.", stored.Description);
        Assert.Equal("smtp", stored.Category);
        Assert.Equal(writer, stored.UpdatedBy);
    }

    [Fact]
    public async Task SetValueAsync_WithoutManage_DeniedAndNothingWritten()
    {
        var reader = await NewStaffAsync(WellKnownPermissions.SystemConfigRead);
        var key = Key();
        var ex = await Assert.ThrowsAsync<PermissionDeniedException>(() => NewService().SetValueAsync(reader, key, 1));
        Assert.Equal(WellKnownPermissions.SystemConfigManage, ex.Permission);
        Assert.Null(await Store.SystemConfigs.GetAsync(key));
        Assert.Contains(Log.Entries, e => e.EventId.Id == PenguinMailsInfraEventIds.SystemConfigDenied);
    }

    [Fact]
    public async Task GetValueAsync_WrongShape_ThrowsTypedErrorNamingTheKey()
    {
        var writer = await NewStaffAsync(WellKnownPermissions.SystemConfigManage, WellKnownPermissions.SystemConfigRead);
        var service = NewService();
        var key = Key();
        await service.SetValueAsync(writer, key, "not a number");

        var ex = await Assert.ThrowsAsync<ConfigValueFormatException>(() => service.GetValueAsync<int>(writer, key));
        Assert.Equal(key, ex.Key);
        Assert.Equal(typeof(int), ex.TargetType);
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SensitiveValue_NeverInLogsOrExceptionText()
    {
        var admin = await NewStaffAsync(WellKnownPermissions.SystemConfigManage, WellKnownPermissions.SystemConfigRead, WellKnownPermissions.SystemConfigReadSensitive);
        var plain = await NewStaffAsync(WellKnownPermissions.SystemConfigRead);
        var service = NewService();
        var key = Key();
        var texts = new List<string>();

        var stored = await service.SetValueAsync(admin, key, Secret, isSensitive: true);
        texts.Add(stored.ToString());

        // Unmasked for the holder of read_sensitive.
        Assert.Equal(Secret, await service.GetValueAsync<string>(admin, key));
        Assert.Equal(Secret, (await service.GetEntryAsync(admin, key))!.GetValue<string>());

        // Masked entry, or a permission error, for anyone else.
        var masked = await service.GetEntryAsync(plain, key);
        Assert.Equal(SystemConfigEntry.MaskedValue, masked!.GetValue<string>());
        texts.Add(masked.ToString());
        texts.Add((await Assert.ThrowsAsync<PermissionDeniedException>(() => service.GetValueAsync<string>(plain, key))).ToString());

        // A wrong-shape read of a sensitive value: the serializer's message (which may quote the value) is dropped.
        texts.Add((await Assert.ThrowsAsync<ConfigValueFormatException>(() => service.GetValueAsync<Limits>(admin, key))).ToString());
        texts.Add((await Assert.ThrowsAsync<ConfigValueFormatException>(() => service.GetValueAsync<int>(admin, key))).ToString());

        // Writes denied, validation failures.
        texts.Add((await Assert.ThrowsAsync<PermissionDeniedException>(() => service.SetValueAsync(plain, key, Secret))).ToString());
        texts.Add((await Assert.ThrowsAsync<EntityValidationException>(() => service.SetStripeAccountIdAsync(admin, Secret))).ToString());
        texts.Add((await Assert.ThrowsAsync<EntityValidationException>(() => service.SetValueAsync(admin, "Bad Key", Secret, isSensitive: true))).ToString());

        texts.AddRange(Log.Entries.Select(e => e.FullText));
        Assert.Contains(Log.Entries, e => e.EventId.Id == PenguinMailsInfraEventIds.SystemConfigWritten);
        Assert.Contains(Log.Entries, e => e.EventId.Id == PenguinMailsInfraEventIds.SensitiveConfigRead);
        Assert.Contains(Log.Entries, e => e.EventId.Id == PenguinMailsInfraEventIds.SystemConfigDenied);
        Assert.Contains(Log.Entries, e => e.EventId.Id == PenguinMailsInfraEventIds.SystemConfigWrongShape);
        Assert.All(texts, t => Assert.DoesNotContain("TOPSECRET", t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StripeAccountId_SetAndGet_StoredSensitiveAndReadWithPermission()
    {
        var admin = await NewStaffAsync(WellKnownPermissions.SystemConfigManage, WellKnownPermissions.SystemConfigRead, WellKnownPermissions.SystemConfigReadSensitive);
        var plain = await NewStaffAsync(WellKnownPermissions.SystemConfigRead);
        var service = NewService();
        Assert.Null(await service.GetStripeAccountIdAsync(plain));

        var stored = await service.SetStripeAccountIdAsync(admin, "acct_1Nv0FGQ9RKHgCVdK");

        Assert.True(stored.IsSensitive);
        Assert.Equal(SystemConfigKeys.StripeAccountId, stored.Key);
        Assert.Equal("acct_1Nv0FGQ9RKHgCVdK", await service.GetStripeAccountIdAsync(admin));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => service.GetStripeAccountIdAsync(plain));
        await Store.SystemConfigs.DeleteAsync(SystemConfigKeys.StripeAccountId);
    }
}

public sealed class InMemorySystemConfigServiceTests : SystemConfigServiceContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class PostgresSystemConfigServiceTests(PostgresContractDatabase database)
    : SystemConfigServiceContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}
