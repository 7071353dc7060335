using PenguinMails.Infrastructure.Core.Preferences;

namespace PenguinMails.Infrastructure.Core.Tests.Preferences;

public sealed class UserPreferencesUpdateTests
{
    private static readonly UserPreferences Current = UserPreferences.Default(new UserId(Guid.Parse("0190a000-0000-7000-8000-000000000001"))) with
    {
        Theme = "dark",
        WeeklyReports = true,
    };

    [Fact]
    public void ApplyTo_Empty_ChangesNothing() => Assert.Equal(Current, new UserPreferencesUpdate().ApplyTo(Current));

    [Fact]
    public void ApplyTo_SomeMembers_ChangesOnlyThose()
    {
        var changed = new UserPreferencesUpdate { Timezone = "Europe/Lisbon", MarketingEmails = true }.ApplyTo(Current);
        Assert.Equal(Current with { Timezone = "Europe/Lisbon", MarketingEmails = true }, changed);
    }

    [Fact]
    public void ApplyTo_FalseValue_AppliedNotIgnored() =>
        Assert.False(new UserPreferencesUpdate { WeeklyReports = false, EmailNotifications = false }.ApplyTo(Current).WeeklyReports);
}
