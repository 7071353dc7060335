using PenguinMails.Infrastructure.Core.Lifecycles;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Tests.Lifecycles;

/// <summary>The generic <see cref="Lifecycle{TStatus}"/> itself, beyond the per-area transition tables.</summary>
public sealed class LifecycleTests
{
    private const VpsInstanceStatus Undefined = (VpsInstanceStatus)99;
    private static readonly Lifecycle<VpsInstanceStatus> Vps = VpsInstanceLifecycle.Definition;

    [Fact]
    public void Constructor_StatusWithoutRow_ThrowsNamingEntityAndStatus()
    {
        var ex = Assert.Throws<InvalidOperationException>(
            () => new Lifecycle<VpsInstanceStatus>(
                "VpsInstance",
                VpsInstanceStatus.Provisioning,
                VpsInstanceStatusExtensions.Map,
                (VpsInstanceStatus.Provisioning, [VpsInstanceStatus.Active]),
                (VpsInstanceStatus.Active, [VpsInstanceStatus.ScheduledDecommission]),
                (VpsInstanceStatus.ScheduledDecommission, [VpsInstanceStatus.Active])
            )
        );

        Assert.Equal("VpsInstance lifecycle: no row for 'decommissioned'.", ex.Message);
    }

    [Fact]
    public void Constructor_EveryStatusHasARow_KeepsEntityInitialAndStatesInDeclarationOrder()
    {
        var lifecycle = new Lifecycle<VpsInstanceStatus>(
            "Thing",
            VpsInstanceStatus.Active,
            VpsInstanceStatusExtensions.Map,
            (VpsInstanceStatus.Provisioning, []),
            (VpsInstanceStatus.Active, [VpsInstanceStatus.Decommissioned, VpsInstanceStatus.Provisioning]),
            (VpsInstanceStatus.ScheduledDecommission, []),
            (VpsInstanceStatus.Decommissioned, [])
        );

        Assert.Equal("Thing", lifecycle.Entity);
        Assert.Equal(VpsInstanceStatus.Active, lifecycle.Initial);
        Assert.Equal(Enum.GetValues<VpsInstanceStatus>(), lifecycle.States);
        Assert.Equal([VpsInstanceStatus.Decommissioned, VpsInstanceStatus.Provisioning], lifecycle.AllowedTargets(VpsInstanceStatus.Active));
        Assert.True(lifecycle.CanTransition(VpsInstanceStatus.Active, VpsInstanceStatus.Decommissioned));
        Assert.True(lifecycle.CanTransition(VpsInstanceStatus.Active, VpsInstanceStatus.Provisioning));
    }

    [Fact]
    public void UndefinedStatus_HasNoTargetsAndCannotMove()
    {
        Assert.Empty(Vps.AllowedTargets(Undefined));
        Assert.True(Vps.IsTerminal(Undefined));
        Assert.False(Vps.CanTransition(Undefined, VpsInstanceStatus.Active));
        Assert.False(Vps.CanTransition(VpsInstanceStatus.Provisioning, Undefined));
        Assert.Equal("99", Vps.NameOf(Undefined));
    }

    [Fact]
    public void IsTerminal_StatusWithTargets_IsFalse()
    {
        Assert.False(Vps.IsTerminal(VpsInstanceStatus.Provisioning));
        Assert.False(Vps.IsTerminal(VpsInstanceStatus.Active));
        Assert.True(Vps.IsTerminal(VpsInstanceStatus.Decommissioned));
    }

    [Fact]
    public void EnsureCanTransition_Allowed_DoesNotThrow()
    {
        Vps.EnsureCanTransition("id-1", VpsInstanceStatus.Provisioning, VpsInstanceStatus.Active);
        Vps.EnsureCanTransition("id-1", VpsInstanceStatus.ScheduledDecommission, VpsInstanceStatus.Decommissioned);
    }

    [Fact]
    public void EnsureCanTransition_NotAllowed_ThrowsNamingEverythingAndTheAllowedTargets()
    {
        var ex = Assert.Throws<InvalidStatusTransitionException>(() => Vps.EnsureCanTransition("id-1", VpsInstanceStatus.Provisioning, VpsInstanceStatus.ScheduledDecommission));

        Assert.Equal("VpsInstance", ex.Entity);
        Assert.Equal("id-1", ex.Id);
        Assert.Equal("provisioning", ex.From);
        Assert.Equal("scheduled_decommission", ex.To);
        Assert.Equal(["active", "decommissioned"], ex.AllowedTargets);
        Assert.Equal(
            "VpsInstance 'id-1' cannot move from 'provisioning' to 'scheduled_decommission'; allowed from 'provisioning': 'active', 'decommissioned'.",
            ex.Message
        );
    }

    [Fact]
    public void EnsureCanTransition_FromTerminal_SaysNoneTerminal()
    {
        var ex = Assert.Throws<InvalidStatusTransitionException>(() => Vps.EnsureCanTransition("id-2", VpsInstanceStatus.Decommissioned, VpsInstanceStatus.Active));

        Assert.Empty(ex.AllowedTargets);
        Assert.Equal("VpsInstance 'id-2' cannot move from 'decommissioned' to 'active'; allowed from 'decommissioned': none (terminal).", ex.Message);
    }

    [Fact]
    public void EnsureCanTransition_FromUndefinedStatus_ThrowsWithNoTargets()
    {
        var ex = Assert.Throws<InvalidStatusTransitionException>(() => Vps.EnsureCanTransition("id-3", Undefined, VpsInstanceStatus.Active));

        Assert.Equal("99", ex.From);
        Assert.Empty(ex.AllowedTargets);
    }
}
