using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Vps;

public sealed class VpsEnumMappingTests
{
    [Fact]
    public void StatusMap_DatabaseValues_EqualSeedCheckList()
    {
        var seed = SeedContract.CheckList("vps_instances", "status");

        Assert.Equal(4, seed.Count);
        Assert.Equal(seed.ToHashSet(), VpsInstanceStatusExtensions.Map.DatabaseValues.ToHashSet());
        Assert.Equal(seed.Count, VpsInstanceStatusExtensions.Map.DatabaseValues.Count);
    }

    [Theory]
    [InlineData(VpsInstanceStatus.Provisioning, "provisioning")]
    [InlineData(VpsInstanceStatus.Active, "active")]
    [InlineData(VpsInstanceStatus.ScheduledDecommission, "scheduled_decommission")]
    [InlineData(VpsInstanceStatus.Decommissioned, "decommissioned")]
    public void ToDatabaseValue_EveryStatus_RoundTrips(VpsInstanceStatus status, string db)
    {
        Assert.Equal(db, status.ToDatabaseValue());
        Assert.Equal(status, VpsInstanceStatusExtensions.Map.FromDb(db));
    }
}
