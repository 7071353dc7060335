using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tests.Seed;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.SystemConfig;

public sealed class SystemConfigEntryTests
{
    private const string Secret = "acct_1SuperSecretValue";

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SystemConfigEntry Valid() =>
        SystemConfigEntry.Create("smtp.max_retries", 5, description: "How many times\na send is retried.", category: "smtp", updatedBy: UserId.New());

    public sealed record RetryPolicy(int MaxRetries, string Backoff);

    [Fact]
    public void Validate_ValidEntry_HasNoErrors()
    {
        Assert.Empty(Valid().Validate());
        Assert.Empty(new SystemConfigEntry { Key = "k" }.Validate());
    }

    [Fact]
    public void Defaults_MatchSeedDefaultClauses()
    {
        var entry = new SystemConfigEntry { Key = "k" };

        Assert.Equal(SeedContract.DefaultOf(SystemConfigEntry.TableName, "is_sensitive"), SqlLiteral.Of(entry.IsSensitive));
        Assert.Null(SeedContract.DefaultOf(SystemConfigEntry.TableName, "value"));
        Assert.Null(entry.Value);
    }

    [Fact]
    public void StripeAccountId_IsTheSeedKey_AndAValidKey()
    {
        Assert.Equal("stripe_account_id", SystemConfigKeys.StripeAccountId);
        Assert.Contains($"key `{SystemConfigKeys.StripeAccountId}`", SeedContract.SeedSql, StringComparison.Ordinal);
        Assert.Empty(SystemConfigEntry.Create(SystemConfigKeys.StripeAccountId, Secret, isSensitive: true).Validate());
    }

    public static TheoryData<string, Func<SystemConfigEntry, SystemConfigEntry>, string, string> Failing() =>
        new()
        {
            { "key null", e => e with { Key = null! }, "key", "required" },
            { "key empty", e => e with { Key = "" }, "key", "required" },
            { "key upper", e => e with { Key = "Smtp.max" }, "key", "config_key" },
            { "key starts with dot", e => e with { Key = ".smtp" }, "key", "config_key" },
            { "key with space", e => e with { Key = "smtp max" }, "key", "config_key" },
            { "key with colon", e => e with { Key = "smtp:max" }, "key", "config_key" },
            { "key non ascii", e => e with { Key = "café" }, "key", "config_key" },
            { "key 256", e => e with { Key = new string('k', 256) }, "key", "max_length" },
            { "value with \\u0000", e => e with { Value = JsonDocument.Parse("\"a\\u0000b\"").RootElement }, "value", "no_nul" },
            { "value nested \\u0000", e => e with { Value = JsonDocument.Parse("{\"a\":[1,\"\\u0000\"]}").RootElement }, "value", "no_nul" },
            { "value property name \\u0000", e => e with { Value = JsonDocument.Parse("{\"a\\u0000\":1}").RootElement }, "value", "no_nul" },
            { "description 501", e => e with { Description = new string('d', 501) }, "description", "max_length" },
            { "description NUL", e => e with { Description = "\0" }, "description", "no_nul" },
            { "category 51", e => e with { Category = new string('c', 51) }, "category", "max_length" },
            { "category newline", e => e with { Category = "a\nb" }, "category", "no_control" },
            { "updated_by empty", e => e with { UpdatedBy = new UserId(Guid.Empty) }, "updated_by", "not_empty" },
        };

    [Theory]
    [MemberData(nameof(Failing))]
    public void Validate_BadValue_ReportsFieldAndRule(string _, Func<SystemConfigEntry, SystemConfigEntry> change, string field, string rule)
    {
        var error = Assert.Single(change(Valid()).Validate());

        Assert.Equal(field, error.Field);
        Assert.Equal(rule, error.Rule);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<SystemConfigEntry, SystemConfigEntry>> Passing() =>
        new()
        {
            { "key 255", e => e with { Key = "k" + new string('x', 254) } },
            { "key digits first, dots, _ and -", e => e with { Key = "0.smtp_max-retries" } },
            { "key stripe", e => e with { Key = SystemConfigKeys.StripeAccountId } },
            { "value json null", e => e with { Value = JsonDocument.Parse("null").RootElement } },
            { "value sql null", e => e with { Value = null } },
            { "value text with escaped backslash-u", e => e with { Value = JsonDocument.Parse("\"\\\\u0000\"").RootElement } },
            { "description 500", e => e with { Description = new string('d', 500) } },
            { "category 50", e => e with { Category = new string('c', 50) } },
            { "nulls", e => e with { Description = null, Category = null, UpdatedBy = null } },
        };

    [Theory]
    [MemberData(nameof(Passing))]
    public void Validate_EdgeValue_IsAccepted(string _, Func<SystemConfigEntry, SystemConfigEntry> change)
    {
        Assert.Empty(change(Valid()).Validate());
    }

    [Fact]
    public void GetValue_RoundTripsCreate()
    {
        var policy = new RetryPolicy(3, "exponential");

        Assert.Equal(5, Valid().GetValue<int>());
        Assert.Equal(policy, SystemConfigEntry.Create("smtp.retry", policy).GetValue<RetryPolicy>());
        Assert.Equal(["a", "b"], SystemConfigEntry.Create("list", new[] { "a", "b" }).GetValue<string[]>()!);
        Assert.Equal(Secret, SystemConfigEntry.Create(SystemConfigKeys.StripeAccountId, Secret, isSensitive: true).GetValue<string>());
    }

    [Fact]
    public void GetValue_SqlNull_ReturnsDefault()
    {
        var entry = new SystemConfigEntry { Key = "k" };

        Assert.Null(entry.GetValue<string>());
        Assert.Null(entry.GetValue<int?>());
    }

    [Fact]
    public void GetValue_WithOptions_UsesThem()
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var entry = new SystemConfigEntry { Key = "smtp.retry", Value = JsonDocument.Parse("""{"max_retries":4,"backoff":"fixed"}""").RootElement };

        Assert.Equal(new RetryPolicy(4, "fixed"), entry.GetValue<RetryPolicy>(options));
        Assert.Equal("""{"max_retries":4,"backoff":"fixed"}""", SystemConfigEntry.Create("k", new RetryPolicy(4, "fixed"), options: options).Value!.Value.GetRawText());
    }

    [Theory]
    [InlineData("\"five\"", typeof(int))]
    [InlineData("[1,2]", typeof(RetryPolicy))]
    [InlineData("{\"MaxRetries\":\"x\"}", typeof(RetryPolicy))]
    [InlineData("null", typeof(int))]
    [InlineData("1.5", typeof(int))]
    public void GetValue_WrongShape_ThrowsNamingKeyAndType(string json, Type target)
    {
        var entry = new SystemConfigEntry { Key = "smtp.max_retries", Value = JsonDocument.Parse(json).RootElement };
        var read = typeof(SystemConfigEntry).GetMethods().Single(m => m.Name == nameof(SystemConfigEntry.GetValue) && m.GetParameters()[0].ParameterType == typeof(JsonSerializerOptions)).MakeGenericMethod(target);

        var ex = Assert.IsType<ConfigValueFormatException>(Assert.Throws<TargetInvocationException>(() => read.Invoke(entry, [null])).InnerException);

        Assert.Equal("smtp.max_retries", ex.Key);
        Assert.Equal(target, ex.TargetType);
        Assert.Contains("'smtp.max_retries'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(target.Name, ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<PenguinMailsException>(ex);
    }

    [Fact]
    public void GetValue_SensitiveWrongShape_NeverCarriesTheValue()
    {
        var entry = SystemConfigEntry.Create(SystemConfigKeys.StripeAccountId, Secret, isSensitive: true);

        var ex = Assert.Throws<ConfigValueFormatException>(() => entry.GetValue<int>());

        Assert.Equal(SystemConfigKeys.StripeAccountId, ex.Key);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.ToString(), StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
    }

    [Fact]
    public void GetValue_NonSensitiveWrongShape_MessageOmitsValueButKeepsInnerException()
    {
        var entry = SystemConfigEntry.Create("smtp.host", "mail.example.test");

        var ex = Assert.Throws<ConfigValueFormatException>(() => entry.GetValue<int>());

        Assert.DoesNotContain("mail.example.test", ex.Message, StringComparison.Ordinal);
        Assert.IsType<JsonException>(ex.InnerException);
        Assert.Equal("$", ex.JsonPath);
    }

    [Fact]
    public void ConfigValueFormatException_GenericType_IsNamedReadably()
    {
        var ex = new ConfigValueFormatException("k", typeof(Dictionary<string, int?>));

        Assert.Contains("Dictionary<String, Int32?>", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_Sensitive_MasksValue()
    {
        var entry = SystemConfigEntry.Create(SystemConfigKeys.StripeAccountId, Secret, isSensitive: true, description: "Platform Stripe account");

        var text = entry.ToString();

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("Value = ***", text, StringComparison.Ordinal);
        Assert.Contains("Key = stripe_account_id", text, StringComparison.Ordinal);
        Assert.Contains("Platform Stripe account", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, $"{entry}", StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_NotSensitive_ShowsJson()
    {
        var text = Valid().ToString();

        Assert.StartsWith("SystemConfigEntry { Key = smtp.max_retries, Value = 5,", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DebuggerDisplay_Sensitive_MasksValue()
    {
        var entry = SystemConfigEntry.Create(SystemConfigKeys.StripeAccountId, Secret, isSensitive: true);
        var attribute = typeof(SystemConfigEntry).GetCustomAttribute<DebuggerDisplayAttribute>();
        var display = (string)typeof(SystemConfigEntry).GetProperty("DebuggerDisplay", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(entry)!;

        Assert.NotNull(attribute);
        Assert.Equal("stripe_account_id = ***", display);
        Assert.Equal("smtp.max_retries = 5", (string)typeof(SystemConfigEntry).GetProperty("DebuggerDisplay", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(Valid())!);
    }

    [Fact]
    public void Value_IsClonedFromItsDocument_SoTheEntryOutlivesIt()
    {
        SystemConfigEntry entry;
        using (var doc = JsonDocument.Parse("""{"a":[1,2,3]}"""))
        {
            entry = new SystemConfigEntry { Key = "k", Value = doc.RootElement };
        }

        Assert.Equal("""{"a":[1,2,3]}""", entry.Value!.Value.GetRawText());
        Assert.Null(new SystemConfigEntry { Key = "k", Value = default(JsonElement) }.Value);
    }

    [Fact]
    public void Equals_SameJsonContent_IsEqual()
    {
        var a = new SystemConfigEntry { Key = "k", Value = JsonDocument.Parse("""{"x":1,"y":[true]}""").RootElement, Updated = T0 };
        var b = new SystemConfigEntry { Key = "k", Value = JsonDocument.Parse("""{ "x": 1, "y": [ true ] }""").RootElement, Updated = T0 };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Value = JsonDocument.Parse("""{"x":2,"y":[true]}""").RootElement });
        Assert.NotEqual(a, b with { Value = null });
        Assert.NotEqual(a, b with { IsSensitive = true });
        Assert.Equal(new SystemConfigEntry { Key = "k" }, new SystemConfigEntry { Key = "k" });
    }
}
