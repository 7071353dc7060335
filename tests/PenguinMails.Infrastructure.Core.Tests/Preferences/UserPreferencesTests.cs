using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.Tests.Seed;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Preferences;

public sealed class UserPreferencesTests
{
    private static UserPreferences Valid() => UserPreferences.Default(UserId.New());

    [Fact]
    public void Validate_DefaultPreferences_HaveNoErrors()
    {
        Assert.Empty(Valid().Validate());
        EntityValidation.EnsureValid(Valid());
    }

    public static TheoryData<string, Func<UserPreferences, object>> SeedDefaults() =>
        new()
        {
            { "theme", p => p.Theme },
            { "language", p => p.Language },
            { "timezone", p => p.Timezone },
            { "email_notifications", p => p.EmailNotifications },
            { "push_notifications", p => p.PushNotifications },
            { "weekly_reports", p => p.WeeklyReports },
            { "marketing_emails", p => p.MarketingEmails },
        };

    [Theory]
    [MemberData(nameof(SeedDefaults))]
    public void Defaults_MatchSeedDefaultClauses(string column, Func<UserPreferences, object> read)
    {
        var userId = UserId.New();

        Assert.Equal(SeedContract.DefaultOf(UserPreferences.TableName, column), SqlLiteral.Of(read(new UserPreferences { UserId = userId })));
        Assert.Equal(SeedContract.DefaultOf(UserPreferences.TableName, column), SqlLiteral.Of(read(UserPreferences.Default(userId))));
    }

    [Fact]
    public void Default_UserId_IsKeptAndIdIsFresh()
    {
        var userId = UserId.New();

        var prefs = UserPreferences.Default(userId);

        Assert.Equal(userId, prefs.UserId);
        Assert.NotEqual(Guid.Empty, prefs.Id.Value);
    }

    public static TheoryData<string, Func<UserPreferences, UserPreferences>, string, string> Failing() =>
        new()
        {
            { "empty id", p => p with { Id = default }, "id", "not_empty" },
            { "empty user", p => p with { UserId = default }, "user_id", "not_empty" },
            { "theme null", p => p with { Theme = null! }, "theme", "required" },
            { "theme empty", p => p with { Theme = "" }, "theme", "required" },
            { "theme upper", p => p with { Theme = "Dark" }, "theme", "theme" },
            { "theme space", p => p with { Theme = "high contrast" }, "theme", "theme" },
            { "theme dot", p => p with { Theme = "dark.blue" }, "theme", "theme" },
            { "theme leading dash", p => p with { Theme = "-dark" }, "theme", "theme" },
            { "theme 51", p => p with { Theme = new string('t', 51) }, "theme", "max_length" },
            { "language null", p => p with { Language = null! }, "language", "required" },
            { "language underscore", p => p with { Language = "pt_BR" }, "language", "language_tag" },
            { "language word", p => p with { Language = "english" }, "language", "language_tag" },
            { "language empty", p => p with { Language = "" }, "language", "language_tag" },
            { "language 11", p => p with { Language = "zh-Hant-TWX" }, "language", "max_length" },
            { "timezone null", p => p with { Timezone = null! }, "timezone", "required" },
            { "timezone unknown", p => p with { Timezone = "Mars/Olympus_Mons" }, "timezone", "time_zone" },
            { "timezone windows id", p => p with { Timezone = "Romance Standard Time" }, "timezone", "time_zone" },
            { "timezone 101", p => p with { Timezone = new string('z', 101) }, "timezone", "max_length" },
        };

    [Theory]
    [MemberData(nameof(Failing))]
    public void Validate_BadValue_ReportsFieldAndRule(string _, Func<UserPreferences, UserPreferences> change, string field, string rule)
    {
        var errors = change(Valid()).Validate();

        Assert.Contains(errors, e => e.Field == field && e.Rule == rule);
        Assert.All(errors, e => Assert.Equal(field, e.Field));
    }

    public static TheoryData<string, Func<UserPreferences, UserPreferences>> Passing() =>
        new()
        {
            { "theme dark", p => p with { Theme = "dark" } },
            { "theme with digits, _ and -", p => p with { Theme = "high-contrast_2" } },
            { "theme 50", p => p with { Theme = new string('t', 50) } },
            { "language region", p => p with { Language = "pt-BR" } },
            { "language script region (10)", p => p with { Language = "zh-Hant-TW" } },
            { "language numeric region", p => p with { Language = "es-419" } },
            { "timezone Paris", p => p with { Timezone = "Europe/Paris" } },
            { "timezone three parts", p => p with { Timezone = "America/Argentina/Buenos_Aires" } },
            { "all switches flipped", p => p with { EmailNotifications = false, PushNotifications = false, WeeklyReports = true, MarketingEmails = true } },
        };

    [Theory]
    [MemberData(nameof(Passing))]
    public void Validate_EdgeValue_IsAccepted(string _, Func<UserPreferences, UserPreferences> change)
    {
        Assert.Empty(change(Valid()).Validate());
    }
}
