using PenguinMails.Infrastructure.Core.Lifecycles;
using PenguinMails.Infrastructure.Core.Vps;
using static PenguinMails.Infrastructure.Core.Vps.VpsInstanceStatus;

namespace PenguinMails.Infrastructure.Core.Tests.Vps;

public sealed class VpsInstanceLifecycleTests
{
    // The table of DESIGN.md, written out independently of the code.
    private static readonly Dictionary<VpsInstanceStatus, VpsInstanceStatus[]> Expected = new()
    {
        [Provisioning] = [Active, Decommissioned],
        [Active] = [ScheduledDecommission],
        [ScheduledDecommission] = [Active, Decommissioned],
        [Decommissioned] = [],
    };

    public static TheoryData<VpsInstanceStatus, VpsInstanceStatus> AllPairs()
    {
        var data = new TheoryData<VpsInstanceStatus, VpsInstanceStatus>();
        foreach (var from in Enum.GetValues<VpsInstanceStatus>())
        {
            foreach (var to in Enum.GetValues<VpsInstanceStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanTransition_EveryPair_MatchesTable(VpsInstanceStatus from, VpsInstanceStatus to)
    {
        var allowed = Expected[from].Contains(to);

        Assert.Equal(allowed, VpsInstanceLifecycle.Definition.CanTransition(from, to));
        if (allowed)
        {
            VpsInstanceLifecycle.Definition.EnsureCanTransition("x", from, to);
        }
        else
        {
            var ex = Assert.Throws<InvalidStatusTransitionException>(() =>
                VpsInstanceLifecycle.Definition.EnsureCanTransition("vps-1", from, to)
            );
            Assert.Equal("VpsInstance", ex.Entity);
            Assert.Equal("vps-1", ex.Id);
            Assert.Equal(from.ToDatabaseValue(), ex.From);
            Assert.Equal(to.ToDatabaseValue(), ex.To);
            Assert.Equal(Expected[from].Select(s => s.ToDatabaseValue()), ex.AllowedTargets);
            Assert.Contains("'vps-1'", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Initial_IsProvisioning_AndDecommissionedIsTheOnlyTerminal()
    {
        Assert.Equal(Provisioning, VpsInstanceLifecycle.Definition.Initial);
        Assert.Equal(
            [Decommissioned],
            Enum.GetValues<VpsInstanceStatus>().Where(VpsInstanceLifecycle.Definition.IsTerminal)
        );
        Assert.Equal(Provisioning, new VpsInstance().Status);
    }

    [Fact]
    public void Apply_ToScheduledDecommissionWithoutTime_UsesEndOfBillingPeriod()
    {
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var vps = new VpsInstance { Status = Active, HostwindsBillingDay = 15 };

        var next = VpsInstanceLifecycle.Apply(vps, ScheduledDecommission, now);

        Assert.Equal(ScheduledDecommission, next.Status);
        Assert.Equal(new DateTimeOffset(2026, 3, 15, 0, 0, 0, TimeSpan.Zero), next.DecommissionScheduledFor);
        Assert.Equal(now, next.Updated);
        Assert.Empty(next.Validate());
    }

    [Fact]
    public void Apply_ToScheduledDecommission_PrefersStoredPeriodEndWhenAhead()
    {
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var end = new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero);
        var vps = new VpsInstance { Status = Active, HostwindsBillingDay = 15, CurrentBillingPeriodEnd = end };

        Assert.Equal(end, VpsInstanceLifecycle.Apply(vps, ScheduledDecommission, now).DecommissionScheduledFor);
    }

    [Fact]
    public void Apply_ToScheduledDecommissionWithExplicitTime_UsesItInUtc()
    {
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var at = new DateTimeOffset(2026, 4, 1, 2, 0, 0, TimeSpan.FromHours(2));
        var vps = new VpsInstance { Status = Active };

        var next = VpsInstanceLifecycle.Apply(vps, ScheduledDecommission, now, at);

        Assert.Equal(at, next.DecommissionScheduledFor);
        Assert.Equal(TimeSpan.Zero, next.DecommissionScheduledFor!.Value.Offset);
    }

    [Fact]
    public void Apply_ToScheduledDecommissionWithNoTimeKnown_ThrowsValidationNamingField()
    {
        var vps = new VpsInstance { Status = Active };

        var ex = Assert.Throws<EntityValidationException>(() =>
            VpsInstanceLifecycle.Apply(vps, ScheduledDecommission, DateTimeOffset.UnixEpoch)
        );

        Assert.Equal("decommission_scheduled_for", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public void Apply_ToScheduledDecommissionInThePast_Throws()
    {
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var vps = new VpsInstance { Status = Active };

        var ex = Assert.Throws<EntityValidationException>(() =>
            VpsInstanceLifecycle.Apply(vps, ScheduledDecommission, now, now.AddSeconds(-1))
        );

        Assert.Equal("not_past", Assert.Single(ex.Errors).Rule);
    }

    [Fact]
    public void Apply_BackToActive_ClearsDecommissionTime()
    {
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var vps = new VpsInstance { Status = ScheduledDecommission, DecommissionScheduledFor = now.AddDays(3) };

        var next = VpsInstanceLifecycle.Apply(vps, Active, now);

        Assert.Equal(Active, next.Status);
        Assert.Null(next.DecommissionScheduledFor);
    }

    [Fact]
    public void Apply_ToDecommissioned_KeepsDecommissionTime()
    {
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var vps = new VpsInstance { Status = ScheduledDecommission, DecommissionScheduledFor = now };

        var next = VpsInstanceLifecycle.Apply(vps, Decommissioned, now.AddDays(1));

        Assert.Equal(Decommissioned, next.Status);
        Assert.Equal(now, next.DecommissionScheduledFor);
    }

    [Fact]
    public void Apply_NotAllowed_ThrowsAndLeavesSnapshotUnchanged()
    {
        var vps = new VpsInstance { Status = Decommissioned };

        Assert.Throws<InvalidStatusTransitionException>(() =>
            VpsInstanceLifecycle.Apply(vps, Active, DateTimeOffset.UnixEpoch)
        );
        Assert.Equal(Decommissioned, vps.Status);
    }

    [Fact]
    public void Apply_ExplicitTimeWithBillingPeriodKnown_UsesTheExplicitTime()
    {
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var at = new DateTimeOffset(2026, 3, 12, 0, 0, 0, TimeSpan.Zero);
        var vps = new VpsInstance { Status = Active, HostwindsBillingDay = 15, CurrentBillingPeriodEnd = now.AddDays(5) };

        Assert.Equal(at, VpsInstanceLifecycle.Apply(vps, ScheduledDecommission, now, at).DecommissionScheduledFor);
    }

    [Fact]
    public void Apply_ExplicitTimeEqualToNow_IsAccepted()
    {
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(now, VpsInstanceLifecycle.Apply(new VpsInstance { Status = Active }, ScheduledDecommission, now, now).DecommissionScheduledFor);
    }

    [Fact]
    public void Apply_NoTimeKnownOrPastTime_ErrorsNameFieldRuleAndMessage()
    {
        var now = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var vps = new VpsInstance { Status = Active };

        var missing = Assert.Throws<EntityValidationException>(() => VpsInstanceLifecycle.Apply(vps, ScheduledDecommission, now));
        var past = Assert.Throws<EntityValidationException>(() => VpsInstanceLifecycle.Apply(vps, ScheduledDecommission, now, now.AddTicks(-1)));

        Assert.Equal(
            new FieldError(
                "decommission_scheduled_for",
                "required",
                "decommission_scheduled_for is required: give a time, or set hostwinds_billing_day or current_billing_period_end so the end of the billing period can be used."
            ),
            Assert.Single(missing.Errors)
        );
        Assert.Equal(
            new FieldError("decommission_scheduled_for", "not_past", "decommission_scheduled_for must not be in the past."),
            Assert.Single(past.Errors)
        );
    }

    [Fact]
    public void DefaultDecommissionTime_StoredPeriodEndExactlyNow_UsesTheBillingDay()
    {
        var now = new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
        var vps = new VpsInstance { Status = Active, HostwindsBillingDay = 15, CurrentBillingPeriodEnd = now };

        Assert.Equal(new DateTimeOffset(2026, 3, 15, 0, 0, 0, TimeSpan.Zero), VpsInstanceLifecycle.DefaultDecommissionTime(vps, now));
    }

    [Fact]
    public void ApplyAndDefaultDecommissionTime_NullInstance_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => VpsInstanceLifecycle.Apply(null!, Active, DateTimeOffset.UnixEpoch));
        Assert.Throws<ArgumentNullException>(() => VpsInstanceLifecycle.DefaultDecommissionTime(null!, DateTimeOffset.UnixEpoch));
    }
}
