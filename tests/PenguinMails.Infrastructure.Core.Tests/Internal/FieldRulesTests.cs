using PenguinMails.Infrastructure.Core.Internal;

namespace PenguinMails.Infrastructure.Core.Tests.Internal;

public sealed class FieldRulesTests
{
    [Theory]
    [InlineData("https://cdn.example.com/logo.png", true)]
    [InlineData("http://example.com", true)]
    [InlineData("ftp://example.com/logo.png", false)]
    [InlineData("/relative/logo.png", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("https://exa mple.com", false)]
    public void HttpUrl_Value_AcceptsOnlyAbsoluteHttp(string value, bool ok)
    {
        var errors = new FieldRules().HttpUrl("theme_logo_url", value, 500).Errors;

        Assert.Equal(ok, errors.Count == 0);
        if (!ok)
        {
            Assert.Equal("url", errors[0].Rule);
        }
    }

    [Fact]
    public void HttpUrl_TooLong_ReportsMaxLength()
    {
        var url = "https://example.com/" + new string('a', 481);

        Assert.Contains(new FieldRules().HttpUrl("u", url, 500).Errors, e => e.Rule == "max_length");
        Assert.Empty(new FieldRules().HttpUrl("u", url[..500], 500).Errors);
    }

    [Theory]
    [InlineData("#A1b2C3", true)]
    [InlineData("#000000", true)]
    [InlineData("A1B2C3", false)]
    [InlineData("#A1B2C", false)]
    [InlineData("#GGGGGG", false)]
    [InlineData("#A1B2C3D", false)]
    public void HexColor_Value_RequiresHashAndSixHexDigits(string value, bool ok)
    {
        Assert.Equal(ok, new FieldRules().HexColor("theme_primary_color", value).Errors.Count == 0);
    }

    [Theory]
    [InlineData("UTC", true)]
    [InlineData("Europe/Paris", true)]
    [InlineData("America/Argentina/Buenos_Aires", true)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData("", false)]
    [InlineData("Europe/Paris ", false)]
    public void IanaTimeZone_Value_MustBeKnown(string value, bool ok)
    {
        Assert.Equal(ok, new FieldRules().IanaTimeZone("timezone", value, 100).Errors.Count == 0);
    }

    [Theory]
    [InlineData("en", true)]
    [InlineData("pt-BR", true)]
    [InlineData("zh-Hant-TW", true)]
    [InlineData("es-419", true)]
    [InlineData("english", false)]
    [InlineData("en_US", false)]
    [InlineData("e", false)]
    [InlineData("en-", false)]
    public void LanguageTag_Value_MustBeBcp47(string value, bool ok)
    {
        Assert.Equal(ok, new FieldRules().LanguageTag("language", value, 10).Errors.Count == 0);
    }

    [Theory]
    [InlineData("billing@example.com", true)]
    [InlineData("a.b+c@sub.example.co.uk", true)]
    [InlineData("billing@example", false)]
    [InlineData("billing example.com", false)]
    [InlineData("@example.com", false)]
    [InlineData("a@b@example.com", false)]
    public void Email_Value_MustBeLocalAtDomain(string value, bool ok)
    {
        Assert.Equal(ok, new FieldRules().Email("billing_email", value, 255).Errors.Count == 0);
    }

    [Fact]
    public void Text_Required_RejectsNullAndWhiteSpace()
    {
        Assert.Equal("required", Assert.Single(new FieldRules().Text("name", null, 50, required: true).Errors).Rule);
        Assert.Equal("required", Assert.Single(new FieldRules().Text("name", "  ", 50, required: true).Errors).Rule);
        Assert.Empty(new FieldRules().Text("name", null, 50).Errors);
    }

    [Fact]
    public void Text_MultiLineTextColumn_AllowsNewlinesButNotNul()
    {
        Assert.Empty(new FieldRules().Text("notes", "line 1\nline 2\ttab", null).Errors);
        Assert.Equal("no_nul", Assert.Single(new FieldRules().Text("notes", "a\0", null).Errors).Rule);
    }

    [Fact]
    public void Text_LengthCountsCodePointsLikePostgres()
    {
        var fiftyPenguins = string.Concat(Enumerable.Repeat("\U0001F427", 50)); // 100 UTF-16 units, 50 code points

        Assert.Empty(new FieldRules().Text("region", fiftyPenguins, 50).Errors);
        Assert.Equal("max_length", Assert.Single(new FieldRules().Text("region", fiftyPenguins + "x", 50).Errors).Rule);
    }

    [Theory]
    [InlineData("9999.99", 6, 2, true)]
    [InlineData("10000.00", 6, 2, false)]
    [InlineData("-9999.99", 6, 2, true)]
    [InlineData("0.001", 6, 2, false)]
    [InlineData("0.010", 6, 2, true)]
    public void Decimal_Value_ChecksPrecisionAndScale(string value, int precision, int scale, bool ok)
    {
        var v = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(ok, new FieldRules().Decimal("cost", v, precision, scale, nonNegative: false).Errors.Count == 0);
    }

    [Fact]
    public void Messages_NeverContainTheValue()
    {
        const string secret = "sk_live_SECRET_VALUE_1234";
        var errors = new FieldRules()
            .Text("value", secret + "\0", 5)
            .HttpUrl("url", secret, 5)
            .Email("email", secret, 5)
            .IpAddress("ip", secret, required: true)
            .Errors;

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.DoesNotContain("SECRET", e.Message, StringComparison.Ordinal));
    }
}
