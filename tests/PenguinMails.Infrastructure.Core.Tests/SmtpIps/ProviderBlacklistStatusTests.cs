using PenguinMails.Infrastructure.Core.SmtpIps;

namespace PenguinMails.Infrastructure.Core.Tests.SmtpIps;

public sealed class ProviderBlacklistStatusTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static ProviderBlacklistStatus Sample() =>
        ProviderBlacklistStatus.Empty
            .WithMailboxProvider(KnownMailboxProviders.Gmail, new BlacklistListing(false, T0))
            .WithMailboxProvider(KnownMailboxProviders.Outlook, new BlacklistListing(true, T0.AddMinutes(1), "S3150 block"))
            .WithBlacklist(KnownBlacklists.Spamhaus, new BlacklistListing(true, T0, "SBL12345 \"quoted\" ü 🐧"))
            .WithBlacklist(KnownBlacklists.Barracuda, new BlacklistListing(false));

    [Fact]
    public void ToJson_Sample_UsesSnakeCaseNamesAndLeavesNullsOut()
    {
        var json = Sample().ToJson();

        Assert.Contains("\"mailbox_providers\":", json, StringComparison.Ordinal);
        Assert.Contains("\"blacklists\":", json, StringComparison.Ordinal);
        Assert.Contains("\"checked_at\":\"2026-01-02T03:04:05+00:00\"", json, StringComparison.Ordinal);
        Assert.Contains("\"barracuda\":{\"listed\":false}", json, StringComparison.Ordinal);
        Assert.DoesNotContain("is_listed", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_ToJsonOutput_RoundTripsToEqualValue()
    {
        var original = Sample();

        var read = ProviderBlacklistStatus.FromJson(original.ToJson());

        Assert.Equal(original, read);
        Assert.Equal(original.GetHashCode(), read.GetHashCode());
        Assert.Equal(original.ToJson(), read.ToJson());
        Assert.Equal("SBL12345 \"quoted\" ü 🐧", read.Blacklists["spamhaus"].Detail);
        Assert.Null(read.Blacklists["barracuda"].CheckedAt);
    }

    [Fact]
    public void FromJson_EmptyObject_IsEmpty()
    {
        var read = ProviderBlacklistStatus.FromJson("{}");

        Assert.Equal(ProviderBlacklistStatus.Empty, read);
        Assert.Empty(read.MailboxProviders);
        Assert.Empty(read.Blacklists);
        Assert.False(read.IsListedAnywhere);
    }

    [Fact]
    public void FromJson_OffsetTimestamp_IsConvertedToUtc()
    {
        var read = ProviderBlacklistStatus.FromJson("""{"blacklists":{"spamhaus":{"listed":true,"checked_at":"2026-01-02T05:04:05+02:00"}}}""");

        var at = read.Blacklists["spamhaus"].CheckedAt!.Value;
        Assert.Equal(T0, at);
        Assert.Equal(TimeSpan.Zero, at.Offset);
    }

    [Fact]
    public void FromJson_MixedCaseKey_IsFoundWithoutRegardToCase()
    {
        var read = ProviderBlacklistStatus.FromJson("""{"mailbox_providers":{"Gmail":{"listed":true}}}""");

        Assert.True(read.MailboxProviders["gmail"].Listed);
        Assert.True(read.IsListedAtMajorMailboxProvider);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("""{"mailbox_providers":[]}""")]
    [InlineData("""{"mailbox_providers":null}""")]
    [InlineData("""{"mailbox_providers":{"gmail":null}}""")]
    [InlineData("""{"mailbox_providers":{"gmail":{}}}""")]
    [InlineData("""{"mailbox_providers":{"gmail":{"listed":"yes"}}}""")]
    [InlineData("""{"mailbox_providers":{"gmail":{"listed":true,"checked_at":"yesterday"}}}""")]
    [InlineData("""{"mailbox_providers":{"gmail":{"listed":true,"colour":"red"}}}""")]
    [InlineData("""{"gmail":{"listed":true}}""")]
    [InlineData("""{"mailbox_providers":{"gmail":{"listed":true},"GMAIL":{"listed":false}}}""")]
    public void FromJson_Malformed_ThrowsUnknownDatabaseValueNamingTableColumnAndValue(string json)
    {
        var ex = Assert.Throws<UnknownDatabaseValueException>(() => ProviderBlacklistStatus.FromJson(json));

        Assert.Equal("smtp_ip_addresses", ex.Table);
        Assert.Equal("provider_blacklist_status", ex.Column);
        Assert.Equal(json, ex.Value);
    }

    [Fact]
    public void FromJson_LongMalformedValue_QuotesOnlyItsStart()
    {
        var json = "{\"mailbox_providers\":" + new string(' ', 5000) + "oops}";

        var ex = Assert.Throws<UnknownDatabaseValueException>(() => ProviderBlacklistStatus.FromJson(json));

        Assert.NotNull(ex.Value);
        Assert.StartsWith("{\"mailbox_providers\":", ex.Value, StringComparison.Ordinal);
        Assert.True(ex.Value.Length <= 101, $"snippet is {ex.Value.Length} characters");
        Assert.NotNull(ex.InnerException);
    }

    [Fact]
    public void FromJson_Null_ThrowsUnknownDatabaseValue()
    {
        var ex = Assert.Throws<UnknownDatabaseValueException>(() => ProviderBlacklistStatus.FromJson(null!));

        Assert.Equal("provider_blacklist_status", ex.Column);
        Assert.Null(ex.Value);
    }

    [Theory]
    [InlineData("gmail", true, true, true)]
    [InlineData("outlook", true, true, true)]
    [InlineData("yahoo", true, true, true)]
    [InlineData("YAHOO", true, true, true)]
    [InlineData("icloud", true, false, true)]
    [InlineData("gmail", false, false, false)]
    public void IsListed_OneMailboxProvider_ReflectsMajorAndAnywhere(string provider, bool listed, bool major, bool anywhere)
    {
        var status = ProviderBlacklistStatus.Empty.WithMailboxProvider(provider, new BlacklistListing(listed));

        Assert.Equal(major, status.IsListedAtMajorMailboxProvider);
        Assert.Equal(anywhere, status.IsListedAnywhere);
    }

    [Fact]
    public void IsListed_OnlyBlacklisted_IsListedAnywhereButNotAtMajorProvider()
    {
        var status = ProviderBlacklistStatus.Empty
            .WithMailboxProvider("gmail", new BlacklistListing(false))
            .WithBlacklist("spamhaus", new BlacklistListing(true));

        Assert.False(status.IsListedAtMajorMailboxProvider);
        Assert.True(status.IsListedAnywhere);
    }

    [Fact]
    public void WithMailboxProvider_SameKeyOtherCase_ReplacesEntryAndKeepsOriginalImmutable()
    {
        var first = ProviderBlacklistStatus.Empty.WithMailboxProvider("gmail", new BlacklistListing(false));

        var second = first.WithMailboxProvider("GMAIL", new BlacklistListing(true));

        Assert.Single(second.MailboxProviders);
        Assert.True(second.MailboxProviders["gmail"].Listed);
        Assert.False(first.MailboxProviders["gmail"].Listed);
        Assert.Empty(ProviderBlacklistStatus.Empty.MailboxProviders);
    }

    [Fact]
    public void MailboxProviders_SourceDictionaryChangedLater_SnapshotIsUnchanged()
    {
        var source = new Dictionary<string, BlacklistListing> { ["gmail"] = new(false) };
        var status = new ProviderBlacklistStatus { MailboxProviders = source };

        source["gmail"] = new BlacklistListing(true);
        source["yahoo"] = new BlacklistListing(true);

        Assert.Single(status.MailboxProviders);
        Assert.False(status.IsListedAnywhere);
    }

    [Fact]
    public void MailboxProviders_KeysDifferingOnlyInCase_Throws()
    {
        var source = new Dictionary<string, BlacklistListing> { ["gmail"] = new(false), ["Gmail"] = new(true) };

        Assert.Throws<ArgumentException>(() => new ProviderBlacklistStatus { MailboxProviders = source });
    }

    [Fact]
    public void Equals_SameEntriesInOtherOrderAndCase_AreEqualWithSameHash()
    {
        var a = ProviderBlacklistStatus.Empty
            .WithBlacklist("Spamhaus", new BlacklistListing(true, T0))
            .WithBlacklist("barracuda", new BlacklistListing(false));
        var b = ProviderBlacklistStatus.Empty
            .WithBlacklist("barracuda", new BlacklistListing(false))
            .WithBlacklist("spamhaus", new BlacklistListing(true, T0));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b.WithBlacklist("spamhaus", new BlacklistListing(false, T0)));
        Assert.NotEqual(a, b.WithMailboxProvider("gmail", new BlacklistListing(false)));
    }
}
