using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Tenants;

namespace PenguinMails.Infrastructure.Core.Tests.Reliability;

/// <summary>
/// Malformed JSON text (not JSON at all, truncated, the wrong shape) through the public parsers of the two typed JSONB
/// columns: always an <see cref="UnknownDatabaseValueException"/> naming table and column, with at most a short snippet
/// of the value; and the PostgreSQL readers add the row.
/// </summary>
public sealed class MalformedJsonTests
{
    public static TheoryData<string> Malformed =>
    [
        "",
        " ",
        "{",
        "}",
        "{\"line1\": ",
        "{'line1': 'single quotes'}",
        "{\"line1\": \"a\",}",
        "[1, 2",
        "nul",
        "NaN",
        "\u0000",
        "{\"a\": \"\\x41\"}",
        "{\"a\": 01}",
        "/* comment */ {}",
        "{} {}",
        "\"unterminated",
        new string('[', 10_000),
    ];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void BillingAddressFromJson_MalformedText_ThrowsUnknownValueNamingTableAndColumn(string json)
    {
        var ex = Assert.Throws<UnknownDatabaseValueException>(() => BillingAddress.FromJson(json));

        Assert.Equal(("tenant_config", "billing_address"), (ex.Table, ex.Column));
        Assert.True((ex.Value?.Length ?? 0) <= 101, $"the exception quotes {ex.Value?.Length} characters");
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void ProviderBlacklistStatusFromJson_MalformedText_ThrowsUnknownValueWithShortSnippet(string json)
    {
        var ex = Assert.Throws<UnknownDatabaseValueException>(() => ProviderBlacklistStatus.FromJson(json));

        Assert.Equal(("smtp_ip_addresses", "provider_blacklist_status"), (ex.Table, ex.Column));
        Assert.True((ex.Value?.Length ?? 0) <= 101, $"the exception quotes {ex.Value?.Length} characters");
    }

    [Fact]
    public void ReadBlacklistStatus_Unreadable_NamesTheRow()
    {
        var ex = Assert.Throws<UnknownDatabaseValueException>(() => NpgsqlSmtpIpAddressRepository.ReadBlacklistStatus("[]", "row-1"));

        Assert.Equal(("smtp_ip_addresses", "provider_blacklist_status", "row-1"), (ex.Table, ex.Column, ex.RowKey));
        Assert.Contains("row-1", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);
    }
}
