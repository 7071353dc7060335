using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Tests.SmtpIps;

public sealed class SmtpIpAddressValidationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NotUtc = new(2026, 1, 1, 1, 0, 0, TimeSpan.FromHours(1));

    private static SmtpIpAddress Valid() =>
        new()
        {
            VpsInstanceId = VpsInstanceId.New(),
            IpAddress = "203.0.113.10",
            Status = SmtpIpAddressStatus.Warmed,
            ReputationState = ReputationState.Good,
            ApproximateCost = 4.50m,
            LastReputationCheck = T0,
            AssignedCount = 3,
            ProviderBlacklistStatus = ProviderBlacklistStatus.Empty
                .WithMailboxProvider(KnownMailboxProviders.Gmail, new BlacklistListing(false, T0))
                .WithBlacklist(KnownBlacklists.Spamhaus, new BlacklistListing(true, T0, "SBL123")),
            Created = T0,
            Updated = T0,
        };

    private static ProviderBlacklistStatus Listing(string key, BlacklistListing listing) =>
        ProviderBlacklistStatus.Empty.WithBlacklist(key, listing);

    [Fact]
    public void Validate_ValidIp_HasNoErrors()
    {
        Assert.Empty(Valid().Validate());
        EntityValidation.EnsureValid(Valid());
    }

    [Fact]
    public void Validate_SeedDefaults_AreAvailableZeroCountAndEmptyColumns()
    {
        var ip = new SmtpIpAddress { IpAddress = "192.0.2.1" };

        Assert.Equal(SmtpIpAddressStatus.Available, ip.Status);
        Assert.Equal(0, ip.AssignedCount);
        Assert.NotEqual(Guid.Empty, ip.Id.Value);
        Assert.Null(ip.VpsInstanceId);
        Assert.Null(ip.ReputationState);
        Assert.Null(ip.ProviderBlacklistStatus);
        Assert.Empty(ip.Validate());
    }

    public static TheoryData<string, Func<SmtpIpAddress, SmtpIpAddress>, string, string> Failing() =>
        new()
        {
            { "empty id", v => v with { Id = default }, "id", "not_empty" },
            { "empty vps id", v => v with { VpsInstanceId = new VpsInstanceId(Guid.Empty) }, "vps_instance_id", "not_empty" },
            { "ip null", v => v with { IpAddress = null! }, "ip_address", "required" },
            { "ip empty", v => v with { IpAddress = "" }, "ip_address", "required" },
            { "ip three parts", v => v with { IpAddress = "1.2.3" }, "ip_address", "ip_address" },
            { "ip leading zero", v => v with { IpAddress = "01.2.3.4" }, "ip_address", "ip_address" },
            { "ip octet 256", v => v with { IpAddress = "1.2.3.256" }, "ip_address", "ip_address" },
            { "ipv6 uppercase", v => v with { IpAddress = "2001:DB8::1" }, "ip_address", "ip_address" },
            { "ipv6 uncompressed", v => v with { IpAddress = "2001:db8:0:0:0:0:0:1" }, "ip_address", "ip_address" },
            { "ipv6 bracketed", v => v with { IpAddress = "[2001:db8::1]" }, "ip_address", "ip_address" },
            { "ip 46 chars", v => v with { IpAddress = new string('1', 46) }, "ip_address", "max_length" },
            { "undefined status", v => v with { Status = (SmtpIpAddressStatus)99 }, "status", "one_of" },
            { "default status", v => v with { Status = default }, "status", "one_of" },
            { "undefined reputation", v => v with { ReputationState = (ReputationState)0 }, "reputation_state", "one_of" },
            { "cost 10000.00", v => v with { ApproximateCost = 10000.00m }, "approximate_cost", "precision" },
            { "cost three decimals", v => v with { ApproximateCost = 1.001m }, "approximate_cost", "scale" },
            { "cost negative", v => v with { ApproximateCost = -0.01m }, "approximate_cost", "non_negative" },
            { "reputation check not utc", v => v with { LastReputationCheck = NotUtc }, "last_reputation_check", "utc" },
            { "reputation check default", v => v with { LastReputationCheck = default(DateTimeOffset) }, "last_reputation_check", "timestamp" },
            { "assigned count negative", v => v with { AssignedCount = -1 }, "assigned_count", "non_negative" },
            { "created not utc", v => v with { Created = NotUtc }, "created", "utc" },
            { "updated not utc", v => v with { Updated = NotUtc }, "updated", "utc" },
            { "blacklist key empty", v => v with { ProviderBlacklistStatus = Listing("", new BlacklistListing(false)) }, "provider_blacklist_status", "required" },
            { "blacklist key blank", v => v with { ProviderBlacklistStatus = Listing("  ", new BlacklistListing(false)) }, "provider_blacklist_status", "required" },
            { "blacklist key 101 chars", v => v with { ProviderBlacklistStatus = Listing(new string('k', 101), new BlacklistListing(false)) }, "provider_blacklist_status", "max_length" },
            { "blacklist key newline", v => v with { ProviderBlacklistStatus = Listing("spam\nhaus", new BlacklistListing(false)) }, "provider_blacklist_status", "no_control" },
            { "blacklist detail 1001 chars", v => v with { ProviderBlacklistStatus = Listing("spamhaus", new BlacklistListing(true, T0, new string('d', 1001))) }, "provider_blacklist_status", "max_length" },
            { "blacklist detail NUL", v => v with { ProviderBlacklistStatus = Listing("spamhaus", new BlacklistListing(true, T0, "a\0b")) }, "provider_blacklist_status", "no_nul" },
            { "blacklist checked not utc", v => v with { ProviderBlacklistStatus = Listing("spamhaus", new BlacklistListing(true, NotUtc)) }, "provider_blacklist_status", "utc" },
            { "provider checked default", v => v with { ProviderBlacklistStatus = ProviderBlacklistStatus.Empty.WithMailboxProvider("gmail", new BlacklistListing(true, default(DateTimeOffset))) }, "provider_blacklist_status", "timestamp" },
            { "provider entry null", v => v with { ProviderBlacklistStatus = new ProviderBlacklistStatus { MailboxProviders = new Dictionary<string, BlacklistListing> { ["gmail"] = null! } } }, "provider_blacklist_status", "required" },
        };

    [Theory]
    [MemberData(nameof(Failing))]
    public void Validate_BadValue_ReportsFieldAndRule(string _, Func<SmtpIpAddress, SmtpIpAddress> change, string field, string rule)
    {
        var errors = change(Valid()).Validate();

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Equal(rule, error.Rule);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IpWithNul_ReportsNulAndFormat()
    {
        var errors = (Valid() with { IpAddress = "192.0.2.1\0" }).Validate();

        Assert.All(errors, e => Assert.Equal("ip_address", e.Field));
        Assert.Equal(["no_nul", "ip_address"], errors.Select(e => e.Rule));
    }

    [Fact]
    public void Validate_BlacklistDetailTooLong_MessageNamesMemberPathNotValue()
    {
        var detail = new string('d', 1001);
        var error = Assert.Single(
            (Valid() with { ProviderBlacklistStatus = Listing("spamhaus", new BlacklistListing(true, T0, detail)) }).Validate()
        );

        Assert.Contains("provider_blacklist_status.blacklists.spamhaus.detail", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(detail, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<SmtpIpAddress, SmtpIpAddress>> Passing() =>
        new()
        {
            { "ipv4", v => v with { IpAddress = "192.0.2.1" } },
            { "ipv4 zero", v => v with { IpAddress = "0.0.0.0" } },
            { "ipv4 max", v => v with { IpAddress = "255.255.255.255" } },
            { "ipv6 canonical", v => v with { IpAddress = "2001:db8::1" } },
            { "ipv6 longest", v => v with { IpAddress = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" } },
            { "ipv4-mapped ipv6", v => v with { IpAddress = "::ffff:192.0.2.1" } },
            { "cost 9999.99", v => v with { ApproximateCost = 9999.99m } },
            { "cost zero", v => v with { ApproximateCost = 0m } },
            { "cost trailing zeros", v => v with { ApproximateCost = 1.5000m } },
            { "assigned count zero", v => v with { AssignedCount = 0 } },
            { "nulls", v => v with { VpsInstanceId = null, ReputationState = null, ApproximateCost = null, LastReputationCheck = null, ProviderBlacklistStatus = null } },
            { "store-set timestamps left default", v => v with { Created = default, Updated = default } },
            { "blacklist key 100 chars", v => v with { ProviderBlacklistStatus = Listing(new string('k', 100), new BlacklistListing(false)) } },
            { "blacklist detail 1000 chars multi-line", v => v with { ProviderBlacklistStatus = Listing("spamhaus", new BlacklistListing(true, T0, new string('d', 998) + "\r\n")) } },
            { "blacklist nothing known", v => v with { ProviderBlacklistStatus = Listing("spamhaus", new BlacklistListing(false)) } },
            { "empty blacklist status", v => v with { ProviderBlacklistStatus = ProviderBlacklistStatus.Empty } },
        };

    [Theory]
    [MemberData(nameof(Passing))]
    public void Validate_EdgeValue_IsAccepted(string _, Func<SmtpIpAddress, SmtpIpAddress> change)
    {
        Assert.Empty(change(Valid()).Validate());
    }

    [Fact]
    public void EnsureValid_SeveralBadFields_ListsEveryOne()
    {
        var bad = Valid() with { IpAddress = "1.2.3", ApproximateCost = -1m, AssignedCount = -1 };

        var ex = Assert.Throws<EntityValidationException>(() => EntityValidation.EnsureValid(bad));

        Assert.Equal("SmtpIpAddress", ex.Entity);
        Assert.Equal(["ip_address", "approximate_cost", "assigned_count"], ex.Errors.Select(e => e.Field));
    }
}
