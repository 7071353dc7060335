using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Tests.Vps;

public sealed class VpsInstanceRulesTests
{
    [Fact]
    public void EnsureInsertable_NewProvisioningInstance_DoesNotThrow()
    {
        VpsInstanceRules.EnsureInsertable(new VpsInstance { Region = "us-east" });
    }

    [Fact]
    public void EnsureInsertable_ActiveStatus_ThrowsNamingTheInitialStatus()
    {
        var ex = Assert.Throws<EntityValidationException>(() => VpsInstanceRules.EnsureInsertable(new VpsInstance { Status = VpsInstanceStatus.Active }));

        Assert.Equal(nameof(VpsInstance), ex.Entity);
        var error = Assert.Single(ex.Errors);
        Assert.Equal("status", error.Field);
        Assert.Equal("initial", error.Rule);
        Assert.Equal("status of a new instance must be 'provisioning'.", error.Message);
    }

    [Fact]
    public void EnsureInsertable_UndefinedStatus_ReportsOnlyTheOneOfRule()
    {
        var ex = Assert.Throws<EntityValidationException>(() => VpsInstanceRules.EnsureInsertable(new VpsInstance { Status = (VpsInstanceStatus)99 }));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(("status", "one_of"), (error.Field, error.Rule));
    }

    [Fact]
    public void EnsureInsertable_FieldErrorAndWrongStatus_ReportsBoth()
    {
        var ex = Assert.Throws<EntityValidationException>(
            () => VpsInstanceRules.EnsureInsertable(new VpsInstance { Id = default, Status = VpsInstanceStatus.Decommissioned })
        );

        Assert.Equal([("id", "not_empty"), ("status", "initial")], ex.Errors.Select(e => (e.Field, e.Rule)));
    }

    [Theory]
    [InlineData(VpsInstanceStatus.ScheduledDecommission, false, true)]
    [InlineData(VpsInstanceStatus.ScheduledDecommission, true, false)]
    [InlineData(VpsInstanceStatus.Active, false, false)]
    [InlineData(VpsInstanceStatus.Decommissioned, false, false)]
    public void SideRuleReadsSnapshot_StatusAndTime_TrueOnlyForDecommissionWithoutTime(VpsInstanceStatus status, bool withTime, bool expected)
    {
        DateTimeOffset? at = withTime ? new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero) : null;

        Assert.Equal(expected, VpsInstanceRules.SideRuleReadsSnapshot(status, at));
    }
}
