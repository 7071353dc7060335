using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.Lifecycles;
using PenguinMails.Infrastructure.Core.SmtpIps;
using static PenguinMails.Infrastructure.Core.Assignments.DomainIpAssignmentStatus;

namespace PenguinMails.Infrastructure.Core.Tests.Assignments;

public sealed class DomainIpAssignmentLifecycleTests
{
    // The table of DESIGN.md, written out independently of the code, in database strings.
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["scheduled"] = ["warming", "active", "expired"],
        ["warming"] = ["active", "expired"],
        ["active"] = ["expired"],
        ["expired"] = [],
    };

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<DomainIpAssignmentStatus, DomainIpAssignmentStatus> AllPairs()
    {
        var data = new TheoryData<DomainIpAssignmentStatus, DomainIpAssignmentStatus>();
        foreach (var from in Enum.GetValues<DomainIpAssignmentStatus>())
        {
            foreach (var to in Enum.GetValues<DomainIpAssignmentStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    private static DomainIpAssignment New(DomainIpAssignmentStatus status) =>
        new() { DomainId = DomainId.New(), SmtpIpAddressId = SmtpIpAddressId.New(), Status = status, Assigned = T0 };

    [Fact]
    public void AllPairs_CoverEveryStatusOfTheTable()
    {
        Assert.Equal(16, AllPairs().Count);
        Assert.Equal(
            Expected.Keys.Order(StringComparer.Ordinal),
            Enum.GetValues<DomainIpAssignmentStatus>().Select(s => s.ToDatabaseValue()).Order(StringComparer.Ordinal)
        );
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanTransition_EveryPair_MatchesTable(DomainIpAssignmentStatus from, DomainIpAssignmentStatus to)
    {
        var allowed = Expected[from.ToDatabaseValue()].Contains(to.ToDatabaseValue());
        var lifecycle = DomainIpAssignmentLifecycle.Definition;

        Assert.Equal(allowed, lifecycle.CanTransition(from, to));
        if (allowed)
        {
            lifecycle.EnsureCanTransition("a-1", from, to);
        }
        else
        {
            var ex = Assert.Throws<InvalidStatusTransitionException>(() => lifecycle.EnsureCanTransition("a-1", from, to));
            Assert.Equal("DomainIpAssignment", ex.Entity);
            Assert.Equal("a-1", ex.Id);
            Assert.Equal(from.ToDatabaseValue(), ex.From);
            Assert.Equal(to.ToDatabaseValue(), ex.To);
            Assert.Equal(Expected[from.ToDatabaseValue()], ex.AllowedTargets);
        }
    }

    [Fact]
    public void Initial_IsScheduled_AndExpiredIsTheOnlyTerminal()
    {
        Assert.Equal(Scheduled, DomainIpAssignmentLifecycle.Definition.Initial);
        Assert.Equal([Expired], Enum.GetValues<DomainIpAssignmentStatus>().Where(DomainIpAssignmentLifecycle.Definition.IsTerminal));
        Assert.Equal(Scheduled, new DomainIpAssignment().Status);
    }

    [Fact]
    public void Apply_ToActive_SetsStatusAndUpdatedOnly()
    {
        var now = T0.AddDays(1).ToOffset(TimeSpan.FromHours(-5));
        var assignment = New(Warming) with { Expires = T0.AddDays(30), WarmupState = WarmupState.Warming };

        var next = DomainIpAssignmentLifecycle.Apply(assignment, Active, now);

        Assert.Equal(assignment with { Status = Active, Updated = now }, next);
        Assert.Equal(TimeSpan.Zero, next.Updated.Offset);
        Assert.Empty(next.Validate());
    }

    [Fact]
    public void Apply_ToExpiredWithExpiryAhead_SetsExpiresToNow()
    {
        var now = T0.AddDays(2);
        var next = DomainIpAssignmentLifecycle.Apply(New(Active) with { Expires = T0.AddDays(30) }, Expired, now);

        Assert.Equal(Expired, next.Status);
        Assert.Equal(now, next.Expires);
        Assert.Empty(next.Validate());
    }

    [Fact]
    public void Apply_ToExpiredWithoutExpiry_SetsExpiresToNow()
    {
        var now = T0.AddDays(2);

        Assert.Equal(now, DomainIpAssignmentLifecycle.Apply(New(Scheduled), Expired, now).Expires);
    }

    [Fact]
    public void Apply_ToExpiredWithExpiryPassed_KeepsExpiry()
    {
        var expires = T0.AddDays(1);

        Assert.Equal(expires, DomainIpAssignmentLifecycle.Apply(New(Active) with { Expires = expires }, Expired, T0.AddDays(5)).Expires);
    }

    [Fact]
    public void Apply_NotAllowed_ThrowsAndLeavesSnapshotUnchanged()
    {
        var assignment = New(Expired);

        var ex = Assert.Throws<InvalidStatusTransitionException>(() => DomainIpAssignmentLifecycle.Apply(assignment, Active, T0));

        Assert.Equal(assignment.Id.ToString(), ex.Id);
        Assert.Equal(Expired, assignment.Status);
    }

    [Theory]
    [InlineData(Active, true)]
    [InlineData(Warming, true)]
    [InlineData(Scheduled, false)]
    [InlineData(Expired, false)]
    public void IsInForceAt_ByStatus_OnlyActiveAndWarming(DomainIpAssignmentStatus status, bool expected)
    {
        Assert.Equal(expected, New(status).IsInForceAt(T0.AddDays(1)));
    }

    [Fact]
    public void IsInForceAt_AtOrAfterExpiry_IsFalse()
    {
        var assignment = New(Active) with { Expires = T0.AddDays(1) };

        Assert.True(assignment.IsInForceAt(T0.AddDays(1).AddTicks(-1)));
        Assert.False(assignment.IsInForceAt(T0.AddDays(1)));
    }
}
