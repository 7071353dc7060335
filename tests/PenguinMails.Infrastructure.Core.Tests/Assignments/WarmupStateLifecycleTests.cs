using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.Lifecycles;
using PenguinMails.Infrastructure.Core.SmtpIps;
using static PenguinMails.Infrastructure.Core.Assignments.WarmupState;

namespace PenguinMails.Infrastructure.Core.Tests.Assignments;

public sealed class WarmupStateLifecycleTests
{
    // DESIGN.md: unwarmed → warming → warmed, never backwards; written out independently of the code.
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["unwarmed"] = ["warming"],
        ["warming"] = ["warmed"],
        ["warmed"] = [],
    };

    public static TheoryData<WarmupState, WarmupState> AllPairs()
    {
        var data = new TheoryData<WarmupState, WarmupState>();
        foreach (var from in Enum.GetValues<WarmupState>())
        {
            foreach (var to in Enum.GetValues<WarmupState>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Fact]
    public void AllPairs_CoverEveryStateOfTheTable()
    {
        Assert.Equal(9, AllPairs().Count);
        Assert.Equal(
            Expected.Keys.Order(StringComparer.Ordinal),
            Enum.GetValues<WarmupState>().Select(s => s.ToDatabaseValue()).Order(StringComparer.Ordinal)
        );
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanTransition_EveryPair_MatchesTable(WarmupState from, WarmupState to)
    {
        var allowed = Expected[from.ToDatabaseValue()].Contains(to.ToDatabaseValue());
        var lifecycle = WarmupStateLifecycle.Definition;

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
    public void Initial_IsUnwarmed_AndWarmedIsTheOnlyTerminal()
    {
        Assert.Equal(Unwarmed, WarmupStateLifecycle.Definition.Initial);
        Assert.Equal([Warmed], Enum.GetValues<WarmupState>().Where(WarmupStateLifecycle.Definition.IsTerminal));
        Assert.Equal(Unwarmed, new DomainIpAssignment().WarmupState);
    }

    [Fact]
    public void Apply_Forward_SetsStateAndUpdatedOnly()
    {
        var now = new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.FromHours(9));
        var assignment = new DomainIpAssignment { DomainId = DomainId.New(), SmtpIpAddressId = SmtpIpAddressId.New() };

        var next = WarmupStateLifecycle.Apply(assignment, Warming, now);

        Assert.Equal(assignment with { WarmupState = Warming, Updated = now }, next);
        Assert.Equal(TimeSpan.Zero, next.Updated.Offset);
        Assert.Equal(DomainIpAssignmentStatus.Scheduled, next.Status);
    }

    [Fact]
    public void Apply_Backwards_Throws()
    {
        var assignment = new DomainIpAssignment { WarmupState = Warmed };

        var ex = Assert.Throws<InvalidStatusTransitionException>(() => WarmupStateLifecycle.Apply(assignment, Warming, DateTimeOffset.UnixEpoch));

        Assert.Equal("warmed", ex.From);
        Assert.Equal("warming", ex.To);
        Assert.Equal(Warmed, assignment.WarmupState);
    }
}
