using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;
using static PenguinMails.Infrastructure.Core.SmtpIps.SmtpIpAddressStatus;

namespace PenguinMails.Infrastructure.Core.Tests.IpPools;

public sealed class ReputationPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static SmtpIpAddress Ip(SmtpIpAddressStatus status, ReputationState? reputation, string? listedAt = null, double daysInStatus = 1)
    {
        ProviderBlacklistStatus? listings = null;
        if (listedAt is not null)
        {
            listings = new ProviderBlacklistStatus();
            listings = listedAt is KnownBlacklists.Spamhaus
                ? listings.WithBlacklist(listedAt, new BlacklistListing(true))
                : listings.WithMailboxProvider(listedAt, new BlacklistListing(true));
        }

        return new SmtpIpAddress
        {
            VpsInstanceId = VpsInstanceId.New(),
            IpAddress = "192.0.2.7",
            Status = status,
            ReputationState = reputation,
            ProviderBlacklistStatus = listings,
            Updated = Now.AddDays(-daysInStatus),
        };
    }

    // status, reputation, listed at, days in status → expected target (null: none), reason
    public static TheoryData<SmtpIpAddressStatus, ReputationState?, string?, double, SmtpIpAddressStatus?, ReputationMoveReason?> Cases() => new()
    {
        // Never checked, nothing listed: nothing to say.
        { Warmed, null, null, 1, null, null },
        { Quarantined, null, null, 100, null, null },
        // Healthy IPs in service stay.
        { Warmed, ReputationState.Good, null, 1, null, null },
        { Assigned, ReputationState.Fair, null, 1, null, null },
        { Available, ReputationState.Good, null, 1, null, null },
        // Poor → degraded.
        { Warmed, ReputationState.Poor, null, 1, Degraded, ReputationMoveReason.PoorReputation },
        { Warming, ReputationState.Poor, null, 1, Degraded, ReputationMoveReason.PoorReputation },
        { Assigned, ReputationState.Poor, null, 1, Degraded, ReputationMoveReason.PoorReputation },
        { Available, ReputationState.Poor, null, 1, Quarantined, ReputationMoveReason.PoorReputation },
        // Listed at a blacklist service (not a major provider) → degraded.
        { Warmed, ReputationState.Good, KnownBlacklists.Spamhaus, 1, Degraded, ReputationMoveReason.Listed },
        { Warmed, ReputationState.Good, "comcast", 1, Degraded, ReputationMoveReason.Listed },
        // Critical, or listed at a major mailbox provider → quarantined.
        { Warmed, ReputationState.Critical, null, 1, Quarantined, ReputationMoveReason.CriticalReputation },
        { Available, ReputationState.Critical, null, 1, Quarantined, ReputationMoveReason.CriticalReputation },
        { Warming, ReputationState.Good, KnownMailboxProviders.Gmail, 1, Quarantined, ReputationMoveReason.ListedAtMajorProvider },
        { Assigned, null, KnownMailboxProviders.Outlook, 1, Quarantined, ReputationMoveReason.ListedAtMajorProvider },
        { Degraded, ReputationState.Poor, KnownMailboxProviders.Yahoo, 1, Quarantined, ReputationMoveReason.ListedAtMajorProvider },
        { Degraded, ReputationState.Critical, null, 1, Quarantined, ReputationMoveReason.CriticalReputation },
        // Degraded and still poor: wait, then burn.
        { Degraded, ReputationState.Poor, null, 13.9, null, null },
        { Degraded, ReputationState.Poor, null, 14, Burned, ReputationMoveReason.StillBad },
        { Degraded, ReputationState.Critical, null, 14, Burned, ReputationMoveReason.StillBad },
        // Quarantined and still bad: wait, then burn.
        { Quarantined, ReputationState.Critical, null, 13.9, null, null },
        { Quarantined, ReputationState.Critical, null, 14, Burned, ReputationMoveReason.StillBad },
        { Quarantined, ReputationState.Poor, null, 30, Burned, ReputationMoveReason.StillBad },
        { Quarantined, ReputationState.Good, KnownMailboxProviders.Gmail, 30, Burned, ReputationMoveReason.StillBad },
        // Recovered.
        { Degraded, ReputationState.Good, null, 30, Warmed, ReputationMoveReason.Recovered },
        { Degraded, ReputationState.Fair, null, 1, Warmed, ReputationMoveReason.Recovered },
        { Quarantined, ReputationState.Good, null, 30, Warming, ReputationMoveReason.Recovered },
        // Burned is terminal.
        { Burned, ReputationState.Critical, KnownMailboxProviders.Gmail, 100, null, null },
        { Burned, ReputationState.Good, null, 100, null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Recommend_Table_GivesTheExpectedMove(
        SmtpIpAddressStatus status,
        ReputationState? reputation,
        string? listedAt,
        double daysInStatus,
        SmtpIpAddressStatus? expectedTo,
        ReputationMoveReason? expectedReason)
    {
        var ip = Ip(status, reputation, listedAt, daysInStatus);

        var recommendation = ReputationPolicy.Recommend(ip, new ReputationPolicyOptions(), Now);

        Assert.Equal(expectedTo, recommendation?.To);
        Assert.Equal(expectedReason, recommendation?.Reason);
        if (recommendation is not null)
        {
            Assert.Equal(status, recommendation.From);
            Assert.True(SmtpIpAddressLifecycle.Definition.CanTransition(status, recommendation.To));
            Assert.False(string.IsNullOrWhiteSpace(recommendation.Explanation));
        }
    }

    [Fact]
    public void Recommend_EveryStatusReputationAndListing_OnlyMovesTheLifecycleAllows()
    {
        var listings = new string?[] { null, KnownMailboxProviders.Gmail, KnownBlacklists.Spamhaus, "other" };
        foreach (var status in Enum.GetValues<SmtpIpAddressStatus>())
        {
            foreach (var reputation in Enum.GetValues<ReputationState>().Cast<ReputationState?>().Append(null))
            {
                foreach (var listed in listings)
                {
                    foreach (var days in new[] { 0.5, 20 })
                    {
                        var r = ReputationPolicy.Recommend(Ip(status, reputation, listed, days), new ReputationPolicyOptions(), Now);
                        Assert.True(r is null || SmtpIpAddressLifecycle.Definition.CanTransition(status, r.To), $"{status} {reputation} {listed} {days} → {r?.To}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Recommend_StricterThresholds_DegradeAtFairAndQuarantineAtPoor()
    {
        var options = new ReputationPolicyOptions { DegradeAt = ReputationState.Fair, QuarantineAt = ReputationState.Poor };

        Assert.Equal(Degraded, ReputationPolicy.Recommend(Ip(Warmed, ReputationState.Fair), options, Now)?.To);
        Assert.Equal(Quarantined, ReputationPolicy.Recommend(Ip(Warmed, ReputationState.Poor), options, Now)?.To);
        Assert.Null(ReputationPolicy.Recommend(Ip(Warmed, ReputationState.Good), options, Now));
    }

    [Fact]
    public void Recommend_MajorListingNotQuarantining_DegradesInstead()
    {
        var options = new ReputationPolicyOptions { QuarantineOnMajorProviderListing = false };

        var r = ReputationPolicy.Recommend(Ip(Warmed, ReputationState.Good, KnownMailboxProviders.Gmail), options, Now);

        Assert.Equal((Degraded, ReputationMoveReason.Listed), (r!.To, r.Reason));
    }

    [Fact]
    public void Recommend_OtherListingIgnored_StaysWhenReputationIsGood()
    {
        var options = new ReputationPolicyOptions { DegradeOnOtherListing = false };

        Assert.Null(ReputationPolicy.Recommend(Ip(Warmed, ReputationState.Good, KnownBlacklists.Spamhaus), options, Now));
    }

    [Fact]
    public void Recommend_CustomMajorProviders_CaseInsensitive()
    {
        var options = new ReputationPolicyOptions { MajorMailboxProviders = ["Comcast"] };

        Assert.Equal(Quarantined, ReputationPolicy.Recommend(Ip(Warmed, ReputationState.Good, "comcast"), options, Now)?.To);
        Assert.Equal(Degraded, ReputationPolicy.Recommend(Ip(Warmed, ReputationState.Good, KnownMailboxProviders.Gmail), options, Now)?.To);
    }

    [Fact]
    public void Recommend_ShorterBurnAfter_BurnsSooner()
    {
        var options = new ReputationPolicyOptions { BurnAfter = TimeSpan.FromDays(2) };

        Assert.Equal(Burned, ReputationPolicy.Recommend(Ip(Quarantined, ReputationState.Critical, daysInStatus: 2), options, Now)?.To);
    }

    [Fact]
    public void RecommendAll_LeavesOutIpsNeedingNothing_KeepsOrder()
    {
        var a = Ip(Warmed, ReputationState.Critical);
        var b = Ip(Warmed, ReputationState.Good);
        var c = Ip(Degraded, ReputationState.Good);

        var all = ReputationPolicy.RecommendAll([a, b, c], new ReputationPolicyOptions(), Now);

        Assert.Equal([a.Id, c.Id], all.Select(r => r.Ip.Id));
    }

    [Fact]
    public void Recommend_InvalidOptions_Throws() =>
        Assert.Throws<ArgumentException>(() => ReputationPolicy.Recommend(Ip(Warmed, null), new ReputationPolicyOptions { BurnAfter = TimeSpan.Zero }, Now));

    [Fact]
    public void OptionsValidate_EveryBrokenRule_ReportedAtOnce()
    {
        var options = new ReputationPolicyOptions
        {
            DegradeAt = ReputationState.Critical,
            QuarantineAt = ReputationState.Poor,
            BurnAfter = TimeSpan.FromDays(400),
            MajorMailboxProviders = ["gmail", " "],
        };

        var failures = options.Validate();

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.Contains("QuarantineAt", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("BurnAfter", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("MajorMailboxProviders", StringComparison.Ordinal));
    }

    [Fact]
    public void OptionsValidate_GoodAsThreshold_Rejected()
    {
        var failures = new ReputationPolicyOptions { DegradeAt = ReputationState.Good, QuarantineAt = ReputationState.Good }.Validate();

        Assert.Equal(2, failures.Count);
    }

    [Fact]
    public void OptionsValidator_Defaults_Succeed() =>
        Assert.Empty(new ReputationPolicyOptions().Validate());

    [Theory]
    [InlineData(ReputationMoveReason.PoorReputation, "poor_reputation")]
    [InlineData(ReputationMoveReason.CriticalReputation, "critical_reputation")]
    [InlineData(ReputationMoveReason.ListedAtMajorProvider, "listed_at_major_provider")]
    [InlineData(ReputationMoveReason.Listed, "listed")]
    [InlineData(ReputationMoveReason.StillBad, "still_bad")]
    [InlineData(ReputationMoveReason.Recovered, "recovered")]
    public void ToTagValue_EveryReason_SnakeCase(ReputationMoveReason reason, string expected) =>
        Assert.Equal(expected, reason.ToTagValue());
}
