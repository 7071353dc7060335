using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Tests.Seed;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Tenants;

public sealed class TenantConfigTests
{
    private static BillingAddress Address() =>
        new() { Line1 = "10 Rue de Rivoli", Line2 = "Bât. B", City = "Paris", Region = "Île-de-France", PostalCode = "75001", Country = "FR" };

    private static TenantConfig Valid() =>
        TenantConfig.Default(TenantId.New()) with
        {
            StripeCustomerId = "cus_NffrFeUfNV2Hib",
            BillingEmail = "billing@example.com",
            BillingAddress = Address(),
            ThemePrimaryColor = "#1A2b3C",
            ThemeLogoUrl = "https://cdn.example.com/logo.png",
            ThemeFaviconUrl = "http://cdn.example.com/favicon.ico",
            UiDateFormat = "yyyy-MM-dd",
            UiTimezone = "Europe/Paris",
        };

    [Fact]
    public void Validate_ValidConfig_HasNoErrors()
    {
        Assert.Empty(Valid().Validate());
        Assert.Empty(TenantConfig.Default(TenantId.New()).Validate());
    }

    public static TheoryData<string, Func<TenantConfig, object>> SeedDefaults() =>
        new()
        {
            { "notify_on_billing_changes", c => c.NotifyOnBillingChanges },
            { "notify_on_system_updates", c => c.NotifyOnSystemUpdates },
            { "notify_on_security_alerts", c => c.NotifyOnSecurityAlerts },
            { "ui_sidebar_default_collapsed", c => c.UiSidebarDefaultCollapsed },
        };

    [Theory]
    [MemberData(nameof(SeedDefaults))]
    public void Default_Booleans_MatchSeedDefaultClauses(string column, Func<TenantConfig, object> read)
    {
        Assert.Equal(SeedContract.DefaultOf(TenantConfig.TableName, column), SqlLiteral.Of(read(TenantConfig.Default(TenantId.New()))));
    }

    [Theory]
    [InlineData("stripe_customer_id")]
    [InlineData("billing_email")]
    [InlineData("billing_address")]
    [InlineData("theme_primary_color")]
    [InlineData("theme_logo_url")]
    [InlineData("theme_favicon_url")]
    [InlineData("ui_date_format")]
    [InlineData("ui_timezone")]
    public void Default_ColumnsWithoutSeedDefault_AreNull(string column)
    {
        var config = TenantConfig.Default(TenantId.New());
        var value = typeof(TenantConfig).GetProperties().Single(p => ToSnakeCase(p.Name) == column).GetValue(config);

        Assert.Null(SeedContract.DefaultOf(TenantConfig.TableName, column));
        Assert.Null(value);
    }

    [Fact]
    public void Default_KeepsTenantId()
    {
        var tenant = TenantId.New();

        Assert.Equal(tenant, TenantConfig.Default(tenant).TenantId);
        Assert.Equal(TenantConfig.Default(tenant), TenantConfig.Default(tenant));
    }

    public static TheoryData<string, Func<TenantConfig, TenantConfig>, string, string> Failing() =>
        new()
        {
            { "empty tenant", c => c with { TenantId = default }, "tenant_id", "not_empty" },
            { "stripe id no prefix", c => c with { StripeCustomerId = "NffrFeUfNV2Hib" }, "stripe_customer_id", "stripe_customer_id" },
            { "stripe id other object", c => c with { StripeCustomerId = "acct_123" }, "stripe_customer_id", "stripe_customer_id" },
            { "stripe id prefix only", c => c with { StripeCustomerId = "cus_" }, "stripe_customer_id", "stripe_customer_id" },
            { "stripe id with dash", c => c with { StripeCustomerId = "cus_abc-def" }, "stripe_customer_id", "stripe_customer_id" },
            { "stripe id empty", c => c with { StripeCustomerId = "" }, "stripe_customer_id", "stripe_customer_id" },
            { "stripe id 256", c => c with { StripeCustomerId = "cus_" + new string('a', 252) }, "stripe_customer_id", "max_length" },
            { "email no at", c => c with { BillingEmail = "billing.example.com" }, "billing_email", "email" },
            { "email no tld", c => c with { BillingEmail = "billing@localhost" }, "billing_email", "email" },
            { "email with space", c => c with { BillingEmail = "bill ing@example.com" }, "billing_email", "email" },
            { "color no hash", c => c with { ThemePrimaryColor = "1A2B3C" }, "theme_primary_color", "hex_color" },
            { "color short", c => c with { ThemePrimaryColor = "#FFF" }, "theme_primary_color", "hex_color" },
            { "color not hex", c => c with { ThemePrimaryColor = "#GGGGGG" }, "theme_primary_color", "hex_color" },
            { "logo relative", c => c with { ThemeLogoUrl = "/logo.png" }, "theme_logo_url", "url" },
            { "logo ftp", c => c with { ThemeLogoUrl = "ftp://cdn.example.com/logo.png" }, "theme_logo_url", "url" },
            { "logo javascript", c => c with { ThemeLogoUrl = "javascript:alert(1)" }, "theme_logo_url", "url" },
            { "favicon data uri", c => c with { ThemeFaviconUrl = "data:image/png;base64,AAAA" }, "theme_favicon_url", "url" },
            { "date format 21", c => c with { UiDateFormat = new string('d', 21) }, "ui_date_format", "max_length" },
            { "date format newline", c => c with { UiDateFormat = "dd\nMM" }, "ui_date_format", "no_control" },
            { "timezone unknown", c => c with { UiTimezone = "Europe/Atlantis" }, "ui_timezone", "time_zone" },
            { "address line1 blank", c => c with { BillingAddress = Address() with { Line1 = " " } }, "billing_address.line1", "required" },
            { "address line1 201", c => c with { BillingAddress = Address() with { Line1 = new string('l', 201) } }, "billing_address.line1", "max_length" },
            { "address line2 newline", c => c with { BillingAddress = Address() with { Line2 = "a\nb" } }, "billing_address.line2", "no_control" },
            { "address city null", c => c with { BillingAddress = Address() with { City = null! } }, "billing_address.city", "required" },
            { "address city 101", c => c with { BillingAddress = Address() with { City = new string('c', 101) } }, "billing_address.city", "max_length" },
            { "address region 101", c => c with { BillingAddress = Address() with { Region = new string('r', 101) } }, "billing_address.region", "max_length" },
            { "address postal code 21", c => c with { BillingAddress = Address() with { PostalCode = new string('1', 21) } }, "billing_address.postal_code", "max_length" },
            { "address country null", c => c with { BillingAddress = Address() with { Country = null! } }, "billing_address.country", "required" },
            { "address country lowercase", c => c with { BillingAddress = Address() with { Country = "fr" } }, "billing_address.country", "country_code" },
            { "address country UK (reserved)", c => c with { BillingAddress = Address() with { Country = "UK" } }, "billing_address.country", "country_code" },
            { "address country XK (user-assigned)", c => c with { BillingAddress = Address() with { Country = "XK" } }, "billing_address.country", "country_code" },
            { "address country alpha-3", c => c with { BillingAddress = Address() with { Country = "FRA" } }, "billing_address.country", "country_code" },
            { "address country name", c => c with { BillingAddress = Address() with { Country = "France" } }, "billing_address.country", "country_code" },
        };

    [Theory]
    [MemberData(nameof(Failing))]
    public void Validate_BadValue_ReportsFieldAndRule(string _, Func<TenantConfig, TenantConfig> change, string field, string rule)
    {
        var error = Assert.Single(change(Valid()).Validate());

        Assert.Equal(field, error.Field);
        Assert.Equal(rule, error.Rule);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#1A2B3C4", "max_length")]
    [InlineData("#1A2B3C\n", "no_control")]
    public void Validate_ColorTooLongOrMultiline_ReportsRuleAndFormat(string color, string rule)
    {
        var errors = (Valid() with { ThemePrimaryColor = color }).Validate();

        Assert.Contains(errors, e => e.Field == "theme_primary_color" && e.Rule == rule);
        Assert.All(errors, e => Assert.Equal("theme_primary_color", e.Field));
    }

    [Theory]
    [InlineData(501)]
    public void Validate_LogoUrlTooLong_ReportsMaxLength(int length)
    {
        var url = "https://cdn.example.com/" + new string('a', length - "https://cdn.example.com/".Length);

        var error = Assert.Single((Valid() with { ThemeLogoUrl = url }).Validate());

        Assert.Equal(("theme_logo_url", "max_length"), (error.Field, error.Rule));
        Assert.Empty((Valid() with { ThemeLogoUrl = url[..500] }).Validate());
    }

    [Fact]
    public void Validate_TimezoneTooLong_ReportsMaxLength()
    {
        var errors = (Valid() with { UiTimezone = "America/Argentina/" + new string('x', 40) }).Validate();

        Assert.Contains(errors, e => e.Field == "ui_timezone" && e.Rule == "max_length");
    }

    public static TheoryData<string, Func<TenantConfig, TenantConfig>> Passing() =>
        new()
        {
            { "stripe id 255", c => c with { StripeCustomerId = "cus_" + new string('a', 251) } },
            { "color lowercase", c => c with { ThemePrimaryColor = "#abcdef" } },
            { "address minimal", c => c with { BillingAddress = new BillingAddress { Line1 = "1 Main St", City = "Springfield", Country = "US" } } },
            { "address country GB", c => c with { BillingAddress = Address() with { Country = "GB" } } },
            { "address country AX", c => c with { BillingAddress = Address() with { Country = "AX" } } },
            { "address line1 200", c => c with { BillingAddress = Address() with { Line1 = new string('l', 200) } } },
            { "address postal code 20", c => c with { BillingAddress = Address() with { PostalCode = new string('1', 20) } } },
            { "timezone UTC", c => c with { UiTimezone = "UTC" } },
            { "email plus tag", c => c with { BillingEmail = "billing+eu@mail.example.co.uk" } },
            { "all nulls", c => TenantConfig.Default(c.TenantId) },
            { "all switches on", c => c with { NotifyOnBillingChanges = true, NotifyOnSecurityAlerts = true, NotifyOnSystemUpdates = true, UiSidebarDefaultCollapsed = true } },
        };

    [Theory]
    [MemberData(nameof(Passing))]
    public void Validate_EdgeValue_IsAccepted(string _, Func<TenantConfig, TenantConfig> change)
    {
        Assert.Empty(change(Valid()).Validate());
    }

    [Fact]
    public void EnsureValid_SeveralBadFields_ListsEveryOne()
    {
        var bad = Valid() with { StripeCustomerId = "x", BillingAddress = Address() with { Country = "ZZ" } };

        var ex = Assert.Throws<EntityValidationException>(() => EntityValidation.EnsureValid(bad));

        Assert.Equal(["stripe_customer_id", "billing_address.country"], ex.Errors.Select(e => e.Field));
    }

    private static string ToSnakeCase(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
