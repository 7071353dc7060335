using PenguinMails.Infrastructure.Core.Lifecycles;
using PenguinMails.Infrastructure.Core.SmtpIps;
using static PenguinMails.Infrastructure.Core.SmtpIps.SmtpIpAddressStatus;

namespace PenguinMails.Infrastructure.Core.Tests.SmtpIps;

public sealed class SmtpIpAddressLifecycleTests
{
    // The table of DESIGN.md, written out independently of the code, in database strings.
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["available"] = ["assigned", "warming", "quarantined", "burned"],
        ["assigned"] = ["available", "warming", "warmed", "degraded", "quarantined", "burned"],
        ["warming"] = ["warmed", "degraded", "quarantined", "burned"],
        ["warmed"] = ["assigned", "degraded", "quarantined", "burned"],
        ["degraded"] = ["warming", "warmed", "quarantined", "burned"],
        ["quarantined"] = ["available", "warming", "burned"],
        ["burned"] = [],
    };

    public static TheoryData<SmtpIpAddressStatus, SmtpIpAddressStatus> AllPairs()
    {
        var data = new TheoryData<SmtpIpAddressStatus, SmtpIpAddressStatus>();
        foreach (var from in Enum.GetValues<SmtpIpAddressStatus>())
        {
            foreach (var to in Enum.GetValues<SmtpIpAddressStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Fact]
    public void AllPairs_CoverEveryStatusOfTheTable()
    {
        Assert.Equal(49, AllPairs().Count);
        Assert.Equal(
            Expected.Keys.Order(StringComparer.Ordinal),
            Enum.GetValues<SmtpIpAddressStatus>().Select(s => s.ToDatabaseValue()).Order(StringComparer.Ordinal)
        );
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanTransition_EveryPair_MatchesTable(SmtpIpAddressStatus from, SmtpIpAddressStatus to)
    {
        var allowed = Expected[from.ToDatabaseValue()].Contains(to.ToDatabaseValue());
        var lifecycle = SmtpIpAddressLifecycle.Definition;

        Assert.Equal(allowed, lifecycle.CanTransition(from, to));
        if (allowed)
        {
            lifecycle.EnsureCanTransition("ip-1", from, to);
        }
        else
        {
            var ex = Assert.Throws<InvalidStatusTransitionException>(() => lifecycle.EnsureCanTransition("ip-1", from, to));
            Assert.Equal("SmtpIpAddress", ex.Entity);
            Assert.Equal("ip-1", ex.Id);
            Assert.Equal(from.ToDatabaseValue(), ex.From);
            Assert.Equal(to.ToDatabaseValue(), ex.To);
            Assert.Equal(Expected[from.ToDatabaseValue()], ex.AllowedTargets);
            Assert.Contains("'ip-1'", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Initial_IsAvailable_AndBurnedIsTheOnlyTerminal()
    {
        Assert.Equal(Available, SmtpIpAddressLifecycle.Definition.Initial);
        Assert.Equal([Burned], Enum.GetValues<SmtpIpAddressStatus>().Where(SmtpIpAddressLifecycle.Definition.IsTerminal));
        Assert.Equal(Available, new SmtpIpAddress { IpAddress = "192.0.2.1" }.Status);
    }

    [Theory]
    [InlineData(Available, true)]
    [InlineData(Assigned, true)]
    [InlineData(Warming, true)]
    [InlineData(Warmed, true)]
    [InlineData(Degraded, false)]
    [InlineData(Burned, false)]
    [InlineData(Quarantined, false)]
    public void IsAssignable_EveryStatus_MatchesDesign(SmtpIpAddressStatus status, bool expected)
    {
        Assert.Equal(expected, SmtpIpAddressLifecycle.IsAssignable(status));
        Assert.Equal(expected, new SmtpIpAddress { IpAddress = "192.0.2.1", Status = status }.IsAssignable);
    }

    [Fact]
    public void Apply_Allowed_SetsStatusAndUpdatedInUtc()
    {
        var now = new DateTimeOffset(2026, 3, 10, 14, 0, 0, TimeSpan.FromHours(2));
        var ip = new SmtpIpAddress { IpAddress = "192.0.2.1", AssignedCount = 2, ReputationState = ReputationState.Good };

        var next = SmtpIpAddressLifecycle.Apply(ip, Warming, now);

        Assert.Equal(Warming, next.Status);
        Assert.Equal(now, next.Updated);
        Assert.Equal(TimeSpan.Zero, next.Updated.Offset);
        Assert.Equal(ip with { Status = Warming, Updated = now }, next);
        Assert.Empty(next.Validate());
    }

    [Fact]
    public void Apply_NotAllowed_ThrowsAndLeavesSnapshotUnchanged()
    {
        var ip = new SmtpIpAddress { IpAddress = "192.0.2.1", Status = Burned };

        var ex = Assert.Throws<InvalidStatusTransitionException>(() => SmtpIpAddressLifecycle.Apply(ip, Available, DateTimeOffset.UnixEpoch));

        Assert.Equal(ip.Id.ToString(), ex.Id);
        Assert.Empty(ex.AllowedTargets);
        Assert.Equal(Burned, ip.Status);
    }
}
