using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Tests.Vps;

public sealed class VpsInstanceValidationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static VpsInstance Valid() =>
        new()
        {
            HostwindsInstanceId = "hw-12345",
            IpAddress = "203.0.113.10",
            Region = "us-east",
            MonthlyCost = 12345678.99m,
            ApproximateCost = 999999.99m,
            HostwindsBillingDay = 31,
            CurrentBillingPeriodStart = T0,
            CurrentBillingPeriodEnd = T0.AddMonths(1),
        };

    [Fact]
    public void Validate_ValidInstance_HasNoErrors()
    {
        Assert.Empty(Valid().Validate());
        EntityValidation.EnsureValid(Valid());
    }

    [Fact]
    public void Validate_SeedDefaults_AreProvisioningAndEmptyColumns()
    {
        var vps = new VpsInstance();

        Assert.Equal(VpsInstanceStatus.Provisioning, vps.Status);
        Assert.NotEqual(Guid.Empty, vps.Id.Value);
        Assert.Null(vps.HostwindsInstanceId);
        Assert.Empty(vps.Validate());
    }

    public static TheoryData<string, Func<VpsInstance, VpsInstance>, string, string> Failing() =>
        new()
        {
            { "empty id", v => v with { Id = default }, "id", "not_empty" },
            { "hostwinds id too long", v => v with { HostwindsInstanceId = new string('h', 256) }, "hostwinds_instance_id", "max_length" },
            { "hostwinds id with NUL", v => v with { HostwindsInstanceId = "a\0b" }, "hostwinds_instance_id", "no_nul" },
            { "hostwinds id with newline", v => v with { HostwindsInstanceId = "a\nb" }, "hostwinds_instance_id", "no_control" },
            { "region too long", v => v with { Region = new string('r', 51) }, "region", "max_length" },
            { "unpaired surrogate", v => v with { Region = "a\uD800" }, "region", "utf16" },
            { "ip not an address", v => v with { IpAddress = "not-an-ip" }, "ip_address", "ip_address" },
            { "ip three parts", v => v with { IpAddress = "1.2.3" }, "ip_address", "ip_address" },
            { "ip leading zero", v => v with { IpAddress = "01.2.3.4" }, "ip_address", "ip_address" },
            { "ip octet 256", v => v with { IpAddress = "1.2.3.256" }, "ip_address", "ip_address" },
            { "ipv6 uppercase", v => v with { IpAddress = "2001:DB8::1" }, "ip_address", "ip_address" },
            { "ipv6 uncompressed", v => v with { IpAddress = "2001:db8:0:0:0:0:0:1" }, "ip_address", "ip_address" },
            { "ipv6 zone", v => v with { IpAddress = "fe80::1%eth0" }, "ip_address", "ip_address" },
            { "ip too long", v => v with { IpAddress = new string('1', 46) }, "ip_address", "max_length" },
            { "undefined status", v => v with { Status = (VpsInstanceStatus)99 }, "status", "one_of" },
            { "default status", v => v with { Status = default }, "status", "one_of" },
            { "monthly cost precision", v => v with { MonthlyCost = 100000000.00m }, "monthly_cost", "precision" },
            { "monthly cost scale", v => v with { MonthlyCost = 1.001m }, "monthly_cost", "scale" },
            { "monthly cost negative", v => v with { MonthlyCost = -0.01m }, "monthly_cost", "non_negative" },
            { "approximate cost precision", v => v with { ApproximateCost = 1000000m }, "approximate_cost", "precision" },
            { "approximate cost negative", v => v with { ApproximateCost = -1m }, "approximate_cost", "non_negative" },
            { "billing day 0", v => v with { HostwindsBillingDay = 0 }, "hostwinds_billing_day", "range" },
            { "billing day 32", v => v with { HostwindsBillingDay = 32 }, "hostwinds_billing_day", "range" },
            { "period start not utc", v => v with { CurrentBillingPeriodStart = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(1)) }, "current_billing_period_start", "utc" },
            { "period end default", v => v with { CurrentBillingPeriodEnd = default(DateTimeOffset) }, "current_billing_period_end", "timestamp" },
            { "period end before start", v => v with { CurrentBillingPeriodEnd = T0.AddDays(-1) }, "current_billing_period_end", "after_start" },
            { "scheduled without time", v => v with { Status = VpsInstanceStatus.ScheduledDecommission }, "decommission_scheduled_for", "required" },
            { "active with time", v => v with { Status = VpsInstanceStatus.Active, DecommissionScheduledFor = T0 }, "decommission_scheduled_for", "must_be_null" },
        };

    [Theory]
    [MemberData(nameof(Failing))]
    public void Validate_BadValue_ReportsFieldAndRule(string _, Func<VpsInstance, VpsInstance> change, string field, string rule)
    {
        var errors = change(Valid()).Validate();

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Equal(rule, error.Rule);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<VpsInstance, VpsInstance>> Passing() =>
        new()
        {
            { "hostwinds id at 255", v => v with { HostwindsInstanceId = new string('h', 255) } },
            { "region at 50 astral chars", v => v with { Region = string.Concat(Enumerable.Repeat("\U0001F427", 50)) } },
            { "ipv6 canonical", v => v with { IpAddress = "2001:db8::1" } },
            { "ipv6 longest", v => v with { IpAddress = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" } },
            { "ipv4-mapped ipv6", v => v with { IpAddress = "::ffff:192.0.2.1" } },
            { "ipv4 zero", v => v with { IpAddress = "0.0.0.0" } },
            { "monthly cost max", v => v with { MonthlyCost = 99999999.99m } },
            { "monthly cost trailing zeros", v => v with { MonthlyCost = 1.5000m } },
            { "costs zero", v => v with { MonthlyCost = 0m, ApproximateCost = 0m } },
            { "billing day 1", v => v with { HostwindsBillingDay = 1 } },
            { "nulls", v => v with { IpAddress = null, Region = null, MonthlyCost = null, HostwindsBillingDay = null } },
            { "scheduled with time", v => v with { Status = VpsInstanceStatus.ScheduledDecommission, DecommissionScheduledFor = T0 } },
            { "decommissioned with time", v => v with { Status = VpsInstanceStatus.Decommissioned, DecommissionScheduledFor = T0 } },
            { "sql injection text stored verbatim", v => v with { Region = "'; DROP TABLE vps_instances; --" } },
        };

    [Theory]
    [MemberData(nameof(Passing))]
    public void Validate_EdgeValue_IsAccepted(string _, Func<VpsInstance, VpsInstance> change)
    {
        Assert.Empty(change(Valid()).Validate());
    }

    [Fact]
    public void EnsureValid_SeveralBadFields_ListsEveryOne()
    {
        var bad = Valid() with { Region = new string('r', 51), HostwindsBillingDay = 40, MonthlyCost = -1m };

        var ex = Assert.Throws<EntityValidationException>(() => EntityValidation.EnsureValid(bad));

        Assert.Equal("VpsInstance", ex.Entity);
        Assert.Equal(["region", "monthly_cost", "hostwinds_billing_day"], ex.Errors.Select(e => e.Field));
        Assert.Contains("3 field errors", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BillingPeriodAt_WithBillingDay_ComputesPeriod()
    {
        var vps = Valid() with { HostwindsBillingDay = 15 };

        Assert.Equal(new DateTimeOffset(2026, 2, 15, 0, 0, 0, TimeSpan.Zero), vps.BillingPeriodAt(T0.AddMonths(2).AddDays(1))!.Value.Start);
        Assert.Null((vps with { HostwindsBillingDay = null }).BillingPeriodAt(T0));
    }

    [Fact]
    public void ToDatabaseValue_UndefinedStatus_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((VpsInstanceStatus)42).ToDatabaseValue());
    }

    [Fact]
    public void Map_UnknownDatabaseString_ThrowsNamingTableColumnAndValue()
    {
        var ex = Assert.Throws<UnknownDatabaseValueException>(() =>
            VpsInstanceStatusExtensions.Map.FromDb("retired", "row-7")
        );

        Assert.Equal("vps_instances", ex.Table);
        Assert.Equal("status", ex.Column);
        Assert.Equal("retired", ex.Value);
        Assert.Contains("row-7", ex.Message, StringComparison.Ordinal);
        Assert.Equal(VpsInstanceStatus.ScheduledDecommission, VpsInstanceStatusExtensions.Map.FromDb("scheduled_decommission"));
        Assert.Throws<UnknownDatabaseValueException>(() => VpsInstanceStatusExtensions.Map.FromDb(null));
        Assert.Throws<UnknownDatabaseValueException>(() => VpsInstanceStatusExtensions.Map.FromDb("Active"));
    }
}
