using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Assignments;

public sealed class AssignmentsEnumMappingTests
{
    [Fact]
    public void StatusMap_DatabaseValues_EqualSeedCheckList()
    {
        var seed = SeedContract.CheckList("domain_ip_assignments", "status");

        Assert.Equal(4, seed.Count);
        Assert.Equal(seed.ToHashSet(), DomainIpAssignmentStatusExtensions.Map.DatabaseValues.ToHashSet());
        Assert.Equal(seed.Count, DomainIpAssignmentStatusExtensions.Map.DatabaseValues.Count);
        Assert.Equal(("domain_ip_assignments", "status"), (DomainIpAssignmentStatusExtensions.Map.Table, DomainIpAssignmentStatusExtensions.Map.Column));
    }

    [Fact]
    public void WarmupStateMap_DatabaseValues_EqualSeedCheckList()
    {
        var seed = SeedContract.CheckList("domain_ip_assignments", "warmup_state");

        Assert.Equal(3, seed.Count);
        Assert.Equal(seed.ToHashSet(), WarmupStateExtensions.Map.DatabaseValues.ToHashSet());
        Assert.Equal(seed.Count, WarmupStateExtensions.Map.DatabaseValues.Count);
        Assert.Equal(("domain_ip_assignments", "warmup_state"), (WarmupStateExtensions.Map.Table, WarmupStateExtensions.Map.Column));
    }

    [Theory]
    [InlineData(DomainIpAssignmentStatus.Active, "active")]
    [InlineData(DomainIpAssignmentStatus.Warming, "warming")]
    [InlineData(DomainIpAssignmentStatus.Scheduled, "scheduled")]
    [InlineData(DomainIpAssignmentStatus.Expired, "expired")]
    public void StatusToDatabaseValue_EveryValue_RoundTrips(DomainIpAssignmentStatus status, string db)
    {
        Assert.Equal(db, status.ToDatabaseValue());
        Assert.Equal(status, DomainIpAssignmentStatusExtensions.Map.FromDb(db));
    }

    [Theory]
    [InlineData(WarmupState.Unwarmed, "unwarmed")]
    [InlineData(WarmupState.Warming, "warming")]
    [InlineData(WarmupState.Warmed, "warmed")]
    public void WarmupStateToDatabaseValue_EveryValue_RoundTrips(WarmupState state, string db)
    {
        Assert.Equal(db, state.ToDatabaseValue());
        Assert.Equal(state, WarmupStateExtensions.FromDatabaseValue(db));
    }

    [Fact]
    public void WarmupStateFromDatabaseValue_Null_IsUnwarmed()
    {
        Assert.Equal(WarmupState.Unwarmed, WarmupStateExtensions.FromDatabaseValue(null));
    }

    [Theory]
    [InlineData("status", "pending")]
    [InlineData("status", "Active")]
    [InlineData("status", null)]
    [InlineData("warmup_state", "cold")]
    [InlineData("warmup_state", "")]
    [InlineData("warmup_state", "WARMED")]
    public void FromDb_UnknownString_ThrowsNamingTableColumnAndValue(string column, string? value)
    {
        Action read = column == "status"
            ? () => DomainIpAssignmentStatusExtensions.Map.FromDb(value, "row-9")
            : () => WarmupStateExtensions.FromDatabaseValue(value, "row-9");

        var ex = Assert.Throws<UnknownDatabaseValueException>(read);

        Assert.Equal("domain_ip_assignments", ex.Table);
        Assert.Equal(column, ex.Column);
        Assert.Equal(value, ex.Value);
        Assert.Contains("row-9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToDatabaseValue_UndefinedValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((DomainIpAssignmentStatus)0).ToDatabaseValue());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((WarmupState)7).ToDatabaseValue());
    }
}
