using PenguinMails.Infrastructure.Core.Tenants;

namespace PenguinMails.Infrastructure.Core.Tests.Tenants;

public sealed class BillingAddressTests
{
    private static BillingAddress Full() =>
        new() { Line1 = "10 Rue de Rivoli", Line2 = "Bât. B", City = "Paris", Region = "Île-de-France", PostalCode = "75001", Country = "FR" };

    [Fact]
    public void ToJson_Full_WritesSnakeCaseProperties()
    {
        Assert.Equal(
            """{"line1":"10 Rue de Rivoli","line2":"B\u00E2t. B","city":"Paris","region":"\u00CEle-de-France","postal_code":"75001","country":"FR"}""",
            Full().ToJson()
        );
    }

    [Fact]
    public void ToJson_Minimal_LeavesOutAbsentParts()
    {
        var address = new BillingAddress { Line1 = "1 Main St", City = "Springfield", Country = "US" };

        Assert.Equal("""{"line1":"1 Main St","city":"Springfield","country":"US"}""", address.ToJson());
    }

    [Fact]
    public void FromJson_ToJson_RoundTrips()
    {
        var minimal = new BillingAddress { Line1 = "1 Main St", City = "Springfield", Country = "US" };

        Assert.Equal(Full(), BillingAddress.FromJson(Full().ToJson()));
        Assert.Equal(minimal, BillingAddress.FromJson(minimal.ToJson()));
    }

    [Fact]
    public void FromJson_JsonbOutput_IsRead()
    {
        // PostgreSQL jsonb reorders keys and adds spaces; explicit JSON nulls mean absent.
        var json = """{"city": "Paris", "line1": "10 Rue de Rivoli", "line2": null, "region": null, "country": "FR", "postal_code": "75001"}""";

        Assert.Equal(Full() with { Line2 = null, Region = null }, BillingAddress.FromJson(json));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"10 Rue de Rivoli\"")]
    [InlineData("""{"city":"Paris","country":"FR"}""")]
    [InlineData("""{"line1":"1","city":"Paris"}""")]
    [InlineData("""{"line1":"1","city":null,"country":"FR"}""")]
    [InlineData("""{"line1":1,"city":"Paris","country":"FR"}""")]
    [InlineData("""{"Line1":"1","City":"Paris","Country":"FR"}""")]
    [InlineData("""{"line1":"1","city":"Paris","country":"FR","street":"x"}""")]
    public void FromJson_Malformed_ThrowsUnknownDatabaseValueNamingTableAndColumn(string json)
    {
        var ex = Assert.Throws<UnknownDatabaseValueException>(() => BillingAddress.FromJson(json));

        Assert.Equal("tenant_config", ex.Table);
        Assert.Equal("billing_address", ex.Column);
        Assert.Equal(json, ex.Value);
    }

    [Fact]
    public void FromJson_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => BillingAddress.FromJson(null!));
    }

    [Fact]
    public void Validate_Full_HasNoErrors()
    {
        Assert.Empty(Full().Validate());
    }

    [Theory]
    [InlineData("FR", true)]
    [InlineData("US", true)]
    [InlineData("GB", true)]
    [InlineData("SS", true)]
    [InlineData("BQ", true)]
    [InlineData("UK", false)]
    [InlineData("EU", false)]
    [InlineData("XK", false)]
    [InlineData("AN", false)]
    [InlineData("fr", false)]
    [InlineData("FRA", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidCountryCode_Candidate_MatchesIsoList(string? code, bool expected)
    {
        Assert.Equal(expected, BillingAddress.IsValidCountryCode(code));
    }

    [Fact]
    public void CountryCodes_AreThe249OfficiallyAssignedCodes()
    {
        var codes = Core.Internal.Iso3166.Alpha2;

        Assert.Equal(249, codes.Count);
        Assert.All(codes, c => Assert.Matches("^[A-Z]{2}$", c));
    }

    [Fact]
    public void CountryCodes_AgreeWithTheTimeZoneDatabase_WhenInstalled()
    {
        const string path = "/usr/share/zoneinfo/iso3166.tab";
        if (!File.Exists(path))
        {
            Assert.Equal(249, Core.Internal.Iso3166.Alpha2.Count);
            return;
        }

        var fromTzdata = File.ReadLines(path).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t')[0]).Order(StringComparer.Ordinal);

        Assert.Equal(fromTzdata, Core.Internal.Iso3166.Alpha2.Order(StringComparer.Ordinal));
    }
}
