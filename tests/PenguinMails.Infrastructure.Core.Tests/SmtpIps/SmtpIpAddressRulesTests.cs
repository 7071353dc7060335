using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Tests.SmtpIps;

public sealed class SmtpIpAddressRulesTests
{
    private static readonly VpsInstanceId Vps = VpsInstanceId.New();

    private static SmtpIpAddress Ip(string address = "203.0.113.10") => new() { VpsInstanceId = Vps, IpAddress = address };

    [Fact]
    public void EnsureInsertable_NewAvailableIp_DoesNotThrow()
    {
        SmtpIpAddressRules.EnsureInsertable(Ip());
    }

    [Fact]
    public void EnsureInsertable_WarmedStatus_ThrowsNamingTheInitialStatus()
    {
        var ex = Assert.Throws<EntityValidationException>(() => SmtpIpAddressRules.EnsureInsertable(Ip() with { Status = SmtpIpAddressStatus.Warmed }));

        Assert.Equal(nameof(SmtpIpAddress), ex.Entity);
        var error = Assert.Single(ex.Errors);
        Assert.Equal(("status", "initial"), (error.Field, error.Rule));
        Assert.Equal("status of a new IP must be 'available'.", error.Message);
    }

    [Fact]
    public void EnsureInsertable_UndefinedStatus_ReportsOnlyTheOneOfRule()
    {
        var ex = Assert.Throws<EntityValidationException>(() => SmtpIpAddressRules.EnsureInsertable(Ip() with { Status = (SmtpIpAddressStatus)99 }));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(("status", "one_of"), (error.Field, error.Rule));
    }

    [Fact]
    public void EnsureInsertable_InvalidField_ReportsItWithoutARowPrefix()
    {
        var ex = Assert.Throws<EntityValidationException>(() => SmtpIpAddressRules.EnsureInsertable(Ip("01.2.3.4")));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(("ip_address", "ip_address"), (error.Field, error.Rule));
        Assert.StartsWith("ip_address ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureImportable_DistinctValidRows_DoesNotThrow()
    {
        SmtpIpAddressRules.EnsureImportable([Ip("203.0.113.10"), Ip("203.0.113.11"), Ip("203.0.113.10") with { VpsInstanceId = VpsInstanceId.New() }]);
    }

    [Fact]
    public void EnsureImportable_Empty_DoesNotThrow()
    {
        SmtpIpAddressRules.EnsureImportable([]);
    }

    [Fact]
    public void EnsureImportable_NullRow_ReportsItAndKeepsCountingRows()
    {
        var ex = Assert.Throws<EntityValidationException>(() => SmtpIpAddressRules.EnsureImportable([Ip("203.0.113.10"), null!, Ip("1.2.3")]));

        Assert.Equal(nameof(SmtpIpAddress), ex.Entity);
        Assert.Equal(2, ex.Errors.Count);
        Assert.Equal(new FieldError("[1]", "required", "[1] must not be null."), ex.Errors[0]);
        Assert.Equal(("[2].ip_address", "ip_address"), (ex.Errors[1].Field, ex.Errors[1].Rule));
        Assert.StartsWith("[2].ip_address ", ex.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureImportable_WrongStatusInSecondRow_ReportsPrefixedInitialRule()
    {
        var ex = Assert.Throws<EntityValidationException>(
            () => SmtpIpAddressRules.EnsureImportable([Ip("203.0.113.10"), Ip("203.0.113.11") with { Status = SmtpIpAddressStatus.Burned }])
        );

        var error = Assert.Single(ex.Errors);
        Assert.Equal(new FieldError("[1].status", "initial", "[1].status of a new IP must be 'available'."), error);
    }

    [Fact]
    public void EnsureImportable_RepeatedId_ReportsTheFirstRow()
    {
        var first = Ip("203.0.113.10");
        var ex = Assert.Throws<EntityValidationException>(
            () => SmtpIpAddressRules.EnsureImportable([first, Ip("203.0.113.11"), first with { IpAddress = "203.0.113.12" }])
        );

        var error = Assert.Single(ex.Errors);
        Assert.Equal(new FieldError("[2].id", "duplicate", "[2].id repeats the id of row [0]."), error);
    }

    [Fact]
    public void EnsureImportable_RepeatedVpsAndAddress_ReportsTheFirstRow()
    {
        var ex = Assert.Throws<EntityValidationException>(
            () => SmtpIpAddressRules.EnsureImportable([Ip("203.0.113.9"), Ip("203.0.113.10"), Ip("203.0.113.10")])
        );

        var error = Assert.Single(ex.Errors);
        Assert.Equal(
            new FieldError("[2].ip_address", "duplicate", "[2].ip_address repeats the vps_instance_id and ip_address of row [1]."),
            error
        );
    }

    [Fact]
    public void EnsureImportable_MissingAddressTwice_ReportsRequiredNotDuplicate()
    {
        var ex = Assert.Throws<EntityValidationException>(() => SmtpIpAddressRules.EnsureImportable([Ip(null!), Ip(null!)]));

        Assert.Equal([("[0].ip_address", "required"), ("[1].ip_address", "required")], ex.Errors.Select(e => (e.Field, e.Rule)));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, -5)]
    [InlineData(0, 1)]
    [InlineData(int.MaxValue - 1, 1)]
    [InlineData(int.MaxValue, 0)]
    [InlineData(int.MaxValue, -1)]
    public void AssignedCountError_ResultInRange_IsNull(int current, int delta)
    {
        Assert.Null(SmtpIpAddressRules.AssignedCountError(current, delta));
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(3, -4)]
    [InlineData(0, int.MinValue)]
    public void AssignedCountError_BelowZero_IsNonNegativeError(int current, int delta)
    {
        var ex = SmtpIpAddressRules.AssignedCountError(current, delta);

        Assert.NotNull(ex);
        Assert.Equal(nameof(SmtpIpAddress), ex.Entity);
        var error = Assert.Single(ex.Errors);
        Assert.Equal(("assigned_count", "non_negative"), (error.Field, error.Rule));
        Assert.Equal($"assigned_count must not go below 0 (it is {current}, the change is {delta}).", error.Message);
    }

    [Theory]
    [InlineData(int.MaxValue, 1)]
    [InlineData(int.MaxValue, int.MaxValue)]
    [InlineData(1, int.MaxValue)]
    public void AssignedCountError_PastIntMax_IsRangeError(int current, int delta)
    {
        var ex = SmtpIpAddressRules.AssignedCountError(current, delta);

        Assert.NotNull(ex);
        Assert.Equal(nameof(SmtpIpAddress), ex.Entity);
        var error = Assert.Single(ex.Errors);
        Assert.Equal(("assigned_count", "range"), (error.Field, error.Rule));
        Assert.Equal($"assigned_count must not exceed {int.MaxValue} (it is {current}, the change is {delta}).", error.Message);
    }
}
