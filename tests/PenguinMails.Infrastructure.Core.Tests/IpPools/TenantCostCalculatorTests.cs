using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Tests.IpPools;

public sealed class TenantCostCalculatorTests
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<DomainId, TenantId?> _tenants = [];

    private DomainIpAssignment Assign(SmtpIpAddress ip, TenantId? tenant, DomainIpAssignmentStatus status = DomainIpAssignmentStatus.Active, DateTimeOffset? expires = null)
    {
        var domain = DomainId.New();
        _tenants[domain] = tenant;
        return new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id, Status = status, Assigned = At.AddDays(-10), Expires = expires };
    }

    private IReadOnlyList<TenantMonthlyCost> Compute(IEnumerable<VpsInstance> vps, IEnumerable<SmtpIpAddress> ips, IEnumerable<DomainIpAssignment> assignments) =>
        TenantCostCalculator.Compute(vps, ips, assignments, d => _tenants.GetValueOrDefault(d), At);

    [Theory]
    [InlineData("10.00", 1, 3, "3.3333")]
    [InlineData("10.00", 2, 3, "6.6667")]
    [InlineData("0.01", 1, 2, "0.0050")]
    [InlineData("0.01", 1, 3, "0.0033")]
    [InlineData("0.00", 1, 7, "0.0000")]
    [InlineData("2.50", 1, 1, "2.5000")]
    [InlineData("1.23", 1, 8, "0.1538")] // 0.15375: half away from zero
    public void Share_RoundsHalfAwayFromZeroToExactlyFourPlaces(string cost, int count, int total, string expected)
    {
        var share = TenantCostCalculator.Share(decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture), count, total);

        Assert.Equal(expected, share.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(-1, 1)]
    [InlineData(3, 2)]
    public void Share_CountOutsideTotal_Throws(int count, int total) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TenantCostCalculator.Share(1m, count, total));

    [Fact]
    public void Compute_IpAndVpsShares_SplitByAssignmentsAndAttributedToTenants()
    {
        var vps = new VpsInstance { MonthlyCost = 40.00m };
        var ip1 = new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.1", ApproximateCost = 3.00m };
        var ip2 = new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.2", ApproximateCost = 5.00m };
        var a = new TenantId(Guid.Parse("00000000-0000-0000-0000-00000000000a"));
        var b = new TenantId(Guid.Parse("00000000-0000-0000-0000-00000000000b"));
        var assignments = new[] { Assign(ip1, a), Assign(ip1, b), Assign(ip1, b), Assign(ip2, a) };

        var result = Compute([vps], [ip1, ip2], assignments);

        // ip1: 3.00 over 3 → a 1.0000, b 2.0000; ip2: 5.00 → a. VPS 40.00 over 4 assignments: a 2 → 20, b 2 → 20.
        Assert.Equal(
            [new TenantMonthlyCost(a, 2, 6.0000m, 20.0000m), new TenantMonthlyCost(b, 2, 2.0000m, 20.0000m)],
            result);
        Assert.Equal(26.0000m, result[0].Total);
        Assert.All(result, r => Assert.EndsWith(".0000", r.IpCost.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public void Compute_VpsApproximateCost_PreferredOverMonthlyCost()
    {
        var vps = new VpsInstance { MonthlyCost = 100.00m, ApproximateCost = 9.00m };
        var ip = new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.1" };
        var t = TenantId.New();

        var row = Assert.Single(Compute([vps], [ip], [Assign(ip, t), Assign(ip, t), Assign(ip, t)]));

        Assert.Equal((3, 0.0000m, 9.0000m), (row.AssignmentCount, row.IpCost, row.VpsCost));
    }

    [Fact]
    public void Compute_ExpiredAndPastExpiry_DoNotCountButScheduledDoes()
    {
        var ip = new SmtpIpAddress { VpsInstanceId = VpsInstanceId.New(), IpAddress = "192.0.2.1", ApproximateCost = 6.00m };
        var t = TenantId.New();
        var u = TenantId.New();
        var assignments = new[]
        {
            Assign(ip, t, DomainIpAssignmentStatus.Scheduled),
            Assign(ip, t, DomainIpAssignmentStatus.Warming, expires: At.AddTicks(10)),
            Assign(ip, u, DomainIpAssignmentStatus.Expired),
            Assign(ip, u, DomainIpAssignmentStatus.Active, expires: At),
        };

        var row = Assert.Single(Compute([], [ip], assignments));

        Assert.Equal((t, 2, 6.0000m, 0.0000m), (row.TenantId, row.AssignmentCount, row.IpCost, row.VpsCost));
    }

    [Fact]
    public void Compute_DomainWithoutTenant_GoesToTheNullRowLast()
    {
        var ip = new SmtpIpAddress { VpsInstanceId = VpsInstanceId.New(), IpAddress = "192.0.2.1", ApproximateCost = 1.00m };
        var t = TenantId.New();

        var result = Compute([], [ip], [Assign(ip, null), Assign(ip, t), Assign(ip, null)]);

        Assert.Equal([t, (TenantId?)null], result.Select(r => r.TenantId));
        Assert.Equal(0.3333m, result[0].IpCost);
        Assert.Equal(0.6667m, result[1].IpCost);
    }

    [Fact]
    public void Compute_RowsOrderedAsPostgresOrdersUuid()
    {
        var ip = new SmtpIpAddress { VpsInstanceId = VpsInstanceId.New(), IpAddress = "192.0.2.1", ApproximateCost = 1.00m };
        // .NET's Guid.CompareTo orders these two the other way round; PostgreSQL compares the bytes as written.
        var first = new TenantId(Guid.Parse("01000000-0000-0000-0000-000000000002"));
        var second = new TenantId(Guid.Parse("02000000-0000-0000-0000-000000000001"));

        var result = Compute([], [ip], [Assign(ip, second), Assign(ip, first)]);

        Assert.Equal([first, second], result.Select(r => r.TenantId!.Value));
    }

    [Fact]
    public void Compute_NoCountingAssignments_Empty()
    {
        var ip = new SmtpIpAddress { VpsInstanceId = VpsInstanceId.New(), IpAddress = "192.0.2.1", ApproximateCost = 1.00m };

        Assert.Empty(Compute([], [ip], [Assign(ip, TenantId.New(), DomainIpAssignmentStatus.Expired)]));
    }
}
