using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Tests.IpPools;

public sealed class WarmupPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly WarmupPlan ThreeDays = WarmupPlan.Create("three", [10, 20, 40]);

    private static SmtpIpAddress Ip(SmtpIpAddressStatus status, DateTimeOffset? created = null) =>
        new() { VpsInstanceId = VpsInstanceId.New(), IpAddress = "192.0.2.1", Status = status, Created = created ?? Now.AddDays(-365) };

    private static DomainIpAssignment Assignment(
        SmtpIpAddress ip,
        WarmupState warmup = WarmupState.Warming,
        DomainIpAssignmentStatus status = DomainIpAssignmentStatus.Warming,
        double assignedDaysAgo = 5,
        DateTimeOffset? expires = null,
        DateTimeOffset? lastSent = null) =>
        new()
        {
            DomainId = DomainId.New(),
            SmtpIpAddressId = ip.Id,
            Status = status,
            WarmupState = warmup,
            Assigned = Now.AddDays(-assignedDaysAgo),
            Expires = expires,
            LastSent = lastSent,
        };

    [Fact]
    public void CompletedWarmups_OnlyWarmingNotExpiredAndPastThePlan()
    {
        var ip = Ip(SmtpIpAddressStatus.Warming);
        var done = Assignment(ip, assignedDaysAgo: 3);
        var midway = Assignment(ip, assignedDaysAgo: 2.9);
        var unwarmed = Assignment(ip, warmup: WarmupState.Unwarmed, assignedDaysAgo: 10);
        var expiredStatus = Assignment(ip, status: DomainIpAssignmentStatus.Expired, assignedDaysAgo: 10);
        var pastExpires = Assignment(ip, assignedDaysAgo: 10, expires: Now);

        var result = WarmupPlanner.CompletedWarmups([done, midway, unwarmed, expiredStatus, pastExpires], _ => ThreeDays, Now);

        Assert.Equal([done.Id], result.Select(a => a.Id));
    }

    [Fact]
    public void IpsReadyToBeWarmed_WarmedAssignmentAndNoneStillWarming()
    {
        var ready = Ip(SmtpIpAddressStatus.Warming);
        var busy = Ip(SmtpIpAddressStatus.Warming);
        var nothingWarmed = Ip(SmtpIpAddressStatus.Warming);
        var notWarming = Ip(SmtpIpAddressStatus.Assigned);
        var assignments = new[]
        {
            Assignment(ready, WarmupState.Warmed),
            Assignment(ready, WarmupState.Warming, DomainIpAssignmentStatus.Expired), // expired: ignored
            Assignment(busy, WarmupState.Warmed),
            Assignment(busy, WarmupState.Warming),
            Assignment(nothingWarmed, WarmupState.Unwarmed),
            Assignment(notWarming, WarmupState.Warmed),
        };

        var result = WarmupPlanner.IpsReadyToBeWarmed([ready, busy, nothingWarmed, notWarming], assignments, Now);

        Assert.Equal([ready.Id], result.Select(i => i.Id));
    }

    [Fact]
    public void IpsNeedingRewarm_MeasuresFromLatestLastSentOfAnyAssignment()
    {
        var ip = Ip(SmtpIpAddressStatus.Assigned);
        var old = Assignment(ip, status: DomainIpAssignmentStatus.Expired, lastSent: Now.AddDays(-40));
        var recent = Assignment(ip, lastSent: Now.AddDays(-29));

        Assert.Empty(WarmupPlanner.IpsNeedingRewarm([ip], [old, recent], 30, Now));
        var single = Assert.Single(WarmupPlanner.IpsNeedingRewarm([ip], [old], 30, Now));
        Assert.Equal(40, single.UnusedDays);
        Assert.False(single.NeverSent);
        Assert.True(single.CanApply);
    }

    [Fact]
    public void IpsNeedingRewarm_NeverSent_MeasuredFromCreated()
    {
        var fresh = Ip(SmtpIpAddressStatus.Available, created: Now.AddDays(-29.9));
        var stale = Ip(SmtpIpAddressStatus.Available, created: Now.AddDays(-30));

        var result = WarmupPlanner.IpsNeedingRewarm([fresh, stale], [], 30, Now);

        var single = Assert.Single(result);
        Assert.Equal(stale.Id, single.Ip.Id);
        Assert.True(single.NeverSent);
        Assert.Equal(stale.Created, single.LastUsed);
    }

    [Theory]
    [InlineData(SmtpIpAddressStatus.Available, true, true)]
    [InlineData(SmtpIpAddressStatus.Assigned, true, true)]
    [InlineData(SmtpIpAddressStatus.Degraded, true, true)]
    [InlineData(SmtpIpAddressStatus.Warmed, true, false)]
    [InlineData(SmtpIpAddressStatus.Warming, false, false)]
    [InlineData(SmtpIpAddressStatus.Quarantined, false, false)]
    [InlineData(SmtpIpAddressStatus.Burned, false, false)]
    public void IpsNeedingRewarm_ByStatus_ReportedAndApplicableAsTheLifecycleAllows(SmtpIpAddressStatus status, bool reported, bool canApply)
    {
        var ip = Ip(status);

        var result = WarmupPlanner.IpsNeedingRewarm([ip], [], 30, Now);

        Assert.Equal(reported, result.Count == 1);
        if (reported)
        {
            Assert.Equal(canApply, result[0].CanApply);
            Assert.Equal(canApply, !result[0].Explanation.Contains("no move", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void IpsNeedingRewarm_UnusedDaysBelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WarmupPlanner.IpsNeedingRewarm([], [], 0, Now));
}
