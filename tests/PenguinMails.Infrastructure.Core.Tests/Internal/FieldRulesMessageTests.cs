using System.Text.Json;
using PenguinMails.Infrastructure.Core.Internal;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Tests.Internal;

/// <summary>
/// Every rule of <see cref="FieldRules"/>: the exact field, rule id and message it reports (messages are part of the
/// contract: they name the column and the rule), and the values just inside each limit that pass.
/// </summary>
public sealed class FieldRulesMessageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    // FieldRules is internal, so the cases are keyed by scenario name (xunit needs public theory data).
    private static readonly FailingTable FailingCases = new()
    {
            { "text null required", r => r.Text("f", null, 10, required: true), "required", "f is required." },
            { "text white space required", r => r.Text("f", " \t", 10, required: true), "required", "f must not be empty or white space." },
            { "text NUL", r => r.Text("f", "a\0b", 10), "no_nul", "f must not contain a NUL (U+0000) character." },
            { "text control single line", r => r.Text("f", "a\u0007b", 10, singleLine: true), "no_control", "f must not contain control characters." },
            { "text unpaired high", r => r.Text("f", "a\uD800", 10), "utf16", "f contains an unpaired UTF-16 surrogate." },
            { "text high then letter", r => r.Text("f", "\uD800a", 10), "utf16", "f contains an unpaired UTF-16 surrogate." },
            { "text lone low", r => r.Text("f", "a\uDC00", 10), "utf16", "f contains an unpaired UTF-16 surrogate." },
            { "text pair then lone low", r => r.Text("f", "\uD83D\uDE00\uDE00", 10), "utf16", "f contains an unpaired UTF-16 surrogate." },
            { "text one past max", r => r.Text("f", "abcd", 3), "max_length", "f must be at most 3 characters." },
            { "text code points past max", r => r.Text("f", "😀😀😀😀", 3), "max_length", "f must be at most 3 characters." },
            { "decimal scale", r => r.Decimal("f", 1.001m, 6, 2, nonNegative: false), "scale", "f must have at most 2 decimal places (DECIMAL(6,2))." },
            { "decimal precision", r => r.Decimal("f", 10000m, 6, 2, nonNegative: false), "precision", "f must be less than 10000 in absolute value (DECIMAL(6,2))." },
            { "decimal negative precision", r => r.Decimal("f", -10000m, 6, 2, nonNegative: false), "precision", "f must be less than 10000 in absolute value (DECIMAL(6,2))." },
            { "decimal negative", r => r.Decimal("f", -0.01m, 6, 2, nonNegative: true), "non_negative", "f must not be negative." },
            { "range below", r => r.Range("f", 0, 1, 31), "range", "f must be between 1 and 31." },
            { "range above", r => r.Range("f", 32, 1, 31), "range", "f must be between 1 and 31." },
            { "positive zero", r => r.Positive("f", 0), "positive", "f must be greater than 0." },
            { "non-negative int", r => r.NonNegative("f", -1), "non_negative", "f must not be negative." },
            { "utc default", r => r.Utc("f", default(DateTimeOffset)), "timestamp", "f must be a real point in time, not the default or a sentinel value." },
            { "utc min", r => r.Utc("f", DateTimeOffset.MinValue), "timestamp", "f must be a real point in time, not the default or a sentinel value." },
            { "utc max", r => r.Utc("f", DateTimeOffset.MaxValue), "timestamp", "f must be a real point in time, not the default or a sentinel value." },
            { "utc offset", r => r.Utc("f", new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.FromHours(1))), "utc", "f must be in UTC (offset +00:00); convert it with ToUniversalTime()." },
            { "utc if set offset", r => r.UtcIfSet("f", new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.FromHours(1))), "utc", "f must be in UTC (offset +00:00); convert it with ToUniversalTime()." },
            { "empty uuid", r => r.NotEmpty("f", Guid.Empty), "not_empty", "f must not be the empty UUID." },
            { "empty nullable uuid", r => r.NotEmpty("f", (Guid?)Guid.Empty), "not_empty", "f must not be the empty UUID." },
            { "required id null", r => r.RequiredId("f", null), "required", "f is required." },
            { "required id empty", r => r.RequiredId("f", Guid.Empty), "not_empty", "f must not be the empty UUID." },
            {
                "undefined enum",
                r => r.Defined("f", (VpsInstanceStatus)99, VpsInstanceStatusExtensions.Map),
                "one_of",
                "f must be one of 'active', 'provisioning', 'scheduled_decommission', 'decommissioned'."
            },
            {
                "undefined nullable enum",
                r => r.Defined("f", (VpsInstanceStatus?)(VpsInstanceStatus)0, VpsInstanceStatusExtensions.Map),
                "one_of",
                "f must be one of 'active', 'provisioning', 'scheduled_decommission', 'decommissioned'."
            },
            { "ip not a literal", r => r.IpAddress("f", "host.example", required: true), "ip_address", "f must be an IPv4 or IPv6 address literal." },
            { "ip zone", r => r.IpAddress("f", "fe80::1%eth0", required: true), "ip_address", "f must be an IPv4 or IPv6 address literal." },
            { "ip bracketed", r => r.IpAddress("f", "[::1]", required: true), "ip_address", "f must be an IPv4 or IPv6 address literal." },
            { "ip v6 not canonical", r => r.IpAddress("f", "2001:DB8::1", required: true), "ip_address", "f must be written in canonical form ('2001:db8::1')." },
            { "ip v6 garbage", r => r.IpAddress("f", "2001:db8::zz", required: true), "ip_address", "f must be an IPv4 or IPv6 address literal." },
            { "ip empty required", r => r.IpAddress("f", "", required: true), "required", "f must not be empty or white space." },
            { "url", r => r.HttpUrl("f", "ftp://example.com", 100), "url", "f must be an absolute http or https URL." },
            { "url no host", r => r.HttpUrl("f", "http:///path", 100), "url", "f must be an absolute http or https URL." },
            { "hex colour", r => r.HexColor("f", "#12345"), "hex_color", "f must be a colour written #RRGGBB." },
            { "time zone", r => r.IanaTimeZone("f", "Mars/Olympus", 50), "time_zone", "f must be a time zone id of the IANA time zone database, for example 'Europe/Paris'." },
            { "time zone empty", r => r.IanaTimeZone("f", "", 50), "time_zone", "f must be a time zone id of the IANA time zone database, for example 'Europe/Paris'." },
            { "language tag", r => r.LanguageTag("f", "english", 35), "language_tag", "f must be a BCP 47 language tag such as 'en' or 'pt-BR'." },
            { "email", r => r.Email("f", "no-at-sign", 255), "email", "f must be an e-mail address (local@domain)." },
            { "not null", r => r.NotNull("f", null), "required", "f is required." },
            {
                "permission name",
                r => r.PermissionName("f", "Vps.Read", 100),
                "permission_name",
                "f must be lowercase dotted segments, each starting with a letter (a-z, 0-9, '_', '-'), for example 'vps.read'."
            },
            {
                "lowercase key",
                r => r.LowercaseKey("f", "Key", 100, "key_rule"),
                "key_rule",
                "f must be lowercase ASCII starting with a letter or digit, then letters, digits, '.', '_' or '-'."
            },
            {
                "token",
                r => r.Token("f", "dark.mode", 50, "token_rule"),
                "token_rule",
                "f must be lowercase ASCII starting with a letter or digit, then letters, digits, '_' or '-'."
            },
            { "snake case", r => r.SnakeCase("f", "Active", 50), "snake_case", "f must be a snake_case token such as 'active' or 'pending_review'." },
            {
                "stripe customer",
                r => r.StripeCustomerId("f", "cust_123", 255),
                "stripe_customer_id",
                "f must be a Stripe customer id ('cus_' followed by letters and digits)."
            },
            { "country null", r => r.CountryCode("f", null), "required", "f is required." },
            {
                "country lowercase",
                r => r.CountryCode("f", "fr"),
                "country_code",
                "f must be an officially assigned ISO 3166-1 alpha-2 country code in upper case, for example 'FR'."
            },
            {
                "jsonb NUL in string",
                r => r.Jsonb("f", Json("""{"a":["x\u0000y"]}""")),
                "no_nul",
                "f must not contain a NUL (U+0000) character in a string or property name (PostgreSQL jsonb rejects it)."
            },
            {
                "jsonb NUL in name",
                r => r.Jsonb("f", Json("""{"a\u0000":1}""")),
                "no_nul",
                "f must not contain a NUL (U+0000) character in a string or property name (PostgreSQL jsonb rejects it)."
            },
            {
                "jsonb lone surrogate",
                r => r.Jsonb("f", Json("""["\ud800"]""")),
                "utf16",
                "f must not contain a lone UTF-16 surrogate escape in a string or property name (PostgreSQL jsonb rejects it)."
            },
            {
                "jsonb lone surrogate in name",
                r => r.Jsonb("f", Json("""{"\udc00":true}""")),
                "utf16",
                "f must not contain a lone UTF-16 surrogate escape in a string or property name (PostgreSQL jsonb rejects it)."
            },
            {
                "jsonb two huge numbers",
                r => r.Jsonb("f", Json("""[1e2000000000, 2e2000000000]""")),
                "numeric_range",
                "f must not contain a number outside PostgreSQL's numeric range."
            },
            {
                "jsonb two lone surrogates",
                r => r.Jsonb("f", Json("""["\ud800", "\udc00"]""")),
                "utf16",
                "f must not contain a lone UTF-16 surrogate escape in a string or property name (PostgreSQL jsonb rejects it)."
            },
            {
                "jsonb huge number",
                r => r.Jsonb("f", Json("""{"n":{"m":[1e2000000000]}}""")),
                "numeric_range",
                "f must not contain a number outside PostgreSQL's numeric range."
            },
    };

    private sealed class FailingTable : Dictionary<string, (Func<FieldRules, FieldRules> Check, string Rule, string Message)>
    {
        public void Add(string scenario, Func<FieldRules, FieldRules> check, string rule, string message) => Add(scenario, (check, rule, message));
    }

    public static TheoryData<string> Failing() => new(FailingCases.Keys);

    [Theory]
    [MemberData(nameof(Failing))]
    public void Rule_FailingValue_ReportsFieldRuleAndMessage(string scenario)
    {
        var (check, rule, message) = FailingCases[scenario];
        var errors = check(new FieldRules()).Errors;

        var error = Assert.Single(errors);
        Assert.True(error == new FieldError("f", rule, message), $"{scenario}: got {error}");
    }

    private static readonly Dictionary<string, Func<FieldRules, FieldRules>> PassingCases = new()
    {
            { "text null optional", r => r.Text("f", null, 10) },
            { "text white space optional", r => r.Text("f", "  ", 10) },
            { "text at max", r => r.Text("f", "abc", 3) },
            { "text surrogate pairs at max", r => r.Text("f", "😀😀😀", 3) },
            { "text newline multi-line", r => r.Text("f", "a\nb", 10) },
            { "text no max", r => r.Text("f", new string('a', 100_000), null) },
            { "decimal null", r => r.Decimal("f", null, 6, 2, nonNegative: true) },
            { "decimal largest", r => r.Decimal("f", 9999.99m, 6, 2, nonNegative: true) },
            { "decimal most negative", r => r.Decimal("f", -9999.99m, 6, 2, nonNegative: false) },
            { "decimal zero non-negative", r => r.Decimal("f", 0m, 6, 2, nonNegative: true) },
            { "decimal trailing zeros", r => r.Decimal("f", 1.500m, 6, 2, nonNegative: true) },
            { "range min", r => r.Range("f", 1, 1, 31) },
            { "range max", r => r.Range("f", 31, 1, 31) },
            { "range null", r => r.Range("f", null, 1, 31) },
            { "positive one", r => r.Positive("f", 1) },
            { "positive null", r => r.Positive("f", null) },
            { "non-negative zero", r => r.NonNegative("f", 0) },
            { "non-negative null", r => r.NonNegative("f", null) },
            { "utc", r => r.Utc("f", T0) },
            { "utc null", r => r.Utc("f", null) },
            { "utc if set default", r => r.UtcIfSet("f", default) },
            { "utc if set utc", r => r.UtcIfSet("f", T0) },
            { "uuid", r => r.NotEmpty("f", Guid.NewGuid()) },
            { "nullable uuid null", r => r.NotEmpty("f", (Guid?)null) },
            { "required id", r => r.RequiredId("f", Guid.NewGuid()) },
            { "enum", r => r.Defined("f", VpsInstanceStatus.Active, VpsInstanceStatusExtensions.Map) },
            { "nullable enum null", r => r.Defined("f", (VpsInstanceStatus?)null, VpsInstanceStatusExtensions.Map) },
            { "ip v4", r => r.IpAddress("f", "255.255.255.255", required: true) },
            { "ip v6", r => r.IpAddress("f", "2001:db8::1", required: true) },
            { "ip v4-mapped v6", r => r.IpAddress("f", "::ffff:1.2.3.4", required: true) },
            { "ip null optional", r => r.IpAddress("f", null, required: false) },
            { "url https", r => r.HttpUrl("f", "https://example.com/a?b=c", 100) },
            { "url null", r => r.HttpUrl("f", null, 100) },
            { "hex colour null", r => r.HexColor("f", null) },
            { "time zone utc", r => r.IanaTimeZone("f", "UTC", 50) },
            { "time zone null", r => r.IanaTimeZone("f", null, 50) },
            { "language tag null", r => r.LanguageTag("f", null, 35) },
            { "email null", r => r.Email("f", null, 255) },
            { "not null", r => r.NotNull("f", new object()) },
            { "permission name", r => r.PermissionName("f", "feature_flags.write", 100) },
            { "lowercase key", r => r.LowercaseKey("f", "0a.b_c-d", 100, "key_rule") },
            { "token", r => r.Token("f", "dark_mode-2", 50, "token_rule") },
            { "snake case", r => r.SnakeCase("f", "pending_review", 50) },
            { "stripe customer", r => r.StripeCustomerId("f", "cus_AbC123", 255) },
            { "stripe customer null", r => r.StripeCustomerId("f", null, 255) },
            { "country", r => r.CountryCode("f", "FR") },
            { "jsonb null", r => r.Jsonb("f", null) },
            { "jsonb ordinary", r => r.Jsonb("f", Json("""{"a":[1,-2.5e3,"x",true,null,{"b":"\u00e9\ud83d\ude00"}]}""")) },
    };

    public static TheoryData<string> Passing() => new(PassingCases.Keys);

    [Theory]
    [MemberData(nameof(Passing))]
    public void Rule_ValueWithinTheLimits_ReportsNothing(string scenario)
    {
        var errors = PassingCases[scenario](new FieldRules()).Errors;

        Assert.True(errors.Count == 0, $"{scenario}: {string.Join("; ", errors)}");
    }

    [Fact]
    public void Text_NulInSingleLineText_ReportsNoNulButNotControl()
    {
        var errors = new FieldRules().Text("f", "a\0b", 10, singleLine: true).Errors;

        Assert.Equal(["no_nul"], errors.Select(e => e.Rule));
    }

    [Fact]
    public void Text_UnpairedSurrogateInLongValue_ReportsUtf16InsteadOfLength()
    {
        var errors = new FieldRules().Text("f", "abcdef\uD800", 3).Errors;

        Assert.Equal(["utf16"], errors.Select(e => e.Rule));
    }

    [Fact]
    public void Errors_SeveralRules_KeepsTheOrderTheyWereChecked()
    {
        var errors = new FieldRules().Text("e", "   ", 1, required: true).Text("f", "\0", 5).Range("g", 0, 1, 2).Errors;

        Assert.Equal([("e", "required"), ("e", "max_length"), ("f", "no_nul"), ("g", "range")], errors.Select(e => (e.Field, e.Rule)));
    }

    [Fact]
    public void AddUnder_InnerErrors_AreCopiedUnderTheColumnKeepingRuleAndMessage()
    {
        var inner = new FieldRules().Add("a.b", "r1", "a.b is bad.").Add("c", "r2", "c is bad.");

        var errors = new FieldRules().AddUnder("col", inner).Errors;

        Assert.Equal([new FieldError("col", "r1", "a.b is bad."), new FieldError("col", "r2", "c is bad.")], errors);
    }

    [Fact]
    public void AddUnder_NoInnerErrors_AddsNothing() => Assert.Empty(new FieldRules().AddUnder("col", new FieldRules()).Errors);

    [Fact]
    public void Errors_NothingAdded_IsEmpty() => Assert.Empty(new FieldRules().Errors);
}
