using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.Preferences;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Preferences;

public abstract class UserPreferencesServiceContract : StaffContractBase
{
    private UserPreferencesService Service => new(Store.UserPreferences);

    [Fact]
    public async Task GetAsync_NoRow_ReturnsDefaults()
    {
        var user = await NewUserAsync();
        var read = await Service.GetAsync(user);
        Assert.Equal(("light", "en", "UTC"), (read.Theme, read.Language, read.Timezone));
        Assert.Null(await Store.UserPreferences.GetByUserIdAsync(user));
    }

    [Fact]
    public async Task UpdateAsync_Partial_ChangesOnlyGivenFieldsAndCreatesRowOnce()
    {
        var user = await NewUserAsync();
        var first = await Service.UpdateAsync(user, new UserPreferencesUpdate { Theme = "dark" });
        Assert.Equal(("dark", "en", "UTC"), (first.Theme, first.Language, first.Timezone));

        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Service.UpdateAsync(user, new UserPreferencesUpdate { Timezone = "America/New_York", Language = "pt-BR", WeeklyReports = true });
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(("dark", "pt-BR", "America/New_York", true, true), (second.Theme, second.Language, second.Timezone, second.WeeklyReports, second.EmailNotifications));
        Assert.Equal(second, await Service.GetAsync(user));
    }

    [Fact]
    public async Task UpdateAsync_InvalidThemeLanguageAndZone_ListsEveryFieldWritesNothing()
    {
        var user = await NewUserAsync();
        var ex = await Assert.ThrowsAsync<EntityValidationException>(
            () => Service.UpdateAsync(user, new UserPreferencesUpdate { Theme = "Dark Mode!", Language = "not a tag", Timezone = "Mars/Olympus" })
        );
        Assert.Equal(["theme", "language", "timezone"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Store.UserPreferences.GetByUserIdAsync(user));
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentPartialUpdates_BothApplied()
    {
        var user = await NewUserAsync();
        await Service.UpdateAsync(user, new UserPreferencesUpdate());
        await Task.WhenAll(
            Service.UpdateAsync(user, new UserPreferencesUpdate { Theme = "dark" }),
            Service.UpdateAsync(user, new UserPreferencesUpdate { MarketingEmails = true })
        );
        var read = await Service.GetAsync(user);
        Assert.Equal(("dark", true), (read.Theme, read.MarketingEmails));
    }
}

public sealed class InMemoryUserPreferencesServiceTests : UserPreferencesServiceContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class PostgresUserPreferencesServiceTests(PostgresContractDatabase database) : UserPreferencesServiceContract, IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}
