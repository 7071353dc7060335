using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.SmtpIps;

public sealed class SmtpIpsEnumMappingTests
{
    [Fact]
    public void StatusMap_DatabaseValues_EqualSeedCheckList()
    {
        var seed = SeedContract.CheckList("smtp_ip_addresses", "status");

        Assert.Equal(7, seed.Count);
        Assert.Equal(seed.ToHashSet(), SmtpIpAddressStatusExtensions.Map.DatabaseValues.ToHashSet());
        Assert.Equal(seed.Count, SmtpIpAddressStatusExtensions.Map.DatabaseValues.Count);
        Assert.Equal(("smtp_ip_addresses", "status"), (SmtpIpAddressStatusExtensions.Map.Table, SmtpIpAddressStatusExtensions.Map.Column));
    }

    [Fact]
    public void ReputationStateMap_DatabaseValues_EqualSeedCheckList()
    {
        var seed = SeedContract.CheckList("smtp_ip_addresses", "reputation_state");

        Assert.Equal(4, seed.Count);
        Assert.Equal(seed.ToHashSet(), ReputationStateExtensions.Map.DatabaseValues.ToHashSet());
        Assert.Equal(seed.Count, ReputationStateExtensions.Map.DatabaseValues.Count);
        Assert.Equal(("smtp_ip_addresses", "reputation_state"), (ReputationStateExtensions.Map.Table, ReputationStateExtensions.Map.Column));
    }

    [Theory]
    [InlineData(SmtpIpAddressStatus.Available, "available")]
    [InlineData(SmtpIpAddressStatus.Assigned, "assigned")]
    [InlineData(SmtpIpAddressStatus.Warming, "warming")]
    [InlineData(SmtpIpAddressStatus.Warmed, "warmed")]
    [InlineData(SmtpIpAddressStatus.Degraded, "degraded")]
    [InlineData(SmtpIpAddressStatus.Burned, "burned")]
    [InlineData(SmtpIpAddressStatus.Quarantined, "quarantined")]
    public void StatusToDatabaseValue_EveryValue_RoundTrips(SmtpIpAddressStatus status, string db)
    {
        Assert.Equal(db, status.ToDatabaseValue());
        Assert.Equal(status, SmtpIpAddressStatusExtensions.Map.FromDb(db));
    }

    [Theory]
    [InlineData(ReputationState.Good, "good")]
    [InlineData(ReputationState.Fair, "fair")]
    [InlineData(ReputationState.Poor, "poor")]
    [InlineData(ReputationState.Critical, "critical")]
    public void ReputationStateToDatabaseValue_EveryValue_RoundTrips(ReputationState state, string db)
    {
        Assert.Equal(db, state.ToDatabaseValue());
        Assert.Equal(state, ReputationStateExtensions.Map.FromDb(db));
    }

    [Theory]
    [InlineData("status", "retired")]
    [InlineData("status", "Available")]
    [InlineData("status", "")]
    [InlineData("status", null)]
    [InlineData("reputation_state", "excellent")]
    [InlineData("reputation_state", "GOOD")]
    [InlineData("reputation_state", null)]
    public void FromDb_UnknownString_ThrowsNamingTableColumnAndValue(string column, string? value)
    {
        Action read = column == "status"
            ? () => SmtpIpAddressStatusExtensions.Map.FromDb(value, "row-7")
            : () => ReputationStateExtensions.Map.FromDb(value, "row-7");

        var ex = Assert.Throws<UnknownDatabaseValueException>(read);

        Assert.Equal("smtp_ip_addresses", ex.Table);
        Assert.Equal(column, ex.Column);
        Assert.Equal(value, ex.Value);
        Assert.Contains("row-7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToDatabaseValue_UndefinedValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((SmtpIpAddressStatus)0).ToDatabaseValue());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ReputationState)42).ToDatabaseValue());
    }
}
