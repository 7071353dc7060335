using System.Globalization;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.IpPools;

/// <summary>
/// The tenant cost report, run unchanged on PostgreSQL and in memory: the same rows give the same amounts, to the
/// last decimal place and with the same scale (the amounts are compared as text).
/// </summary>
public abstract class TenantCostReportContract : PoliciesContractBase
{
    private static readonly TenantId TenantA = new(Guid.Parse("0a000000-0000-0000-0000-000000000001"));
    private static readonly TenantId TenantB = new(Guid.Parse("0b000000-0000-0000-0000-000000000001"));

    private static string Text(TenantMonthlyCost c) =>
        string.Create(CultureInfo.InvariantCulture, $"{c.TenantId?.Value.ToString() ?? "none"} n={c.AssignmentCount} ip={c.IpCost} vps={c.VpsCost} total={c.Total}");

    [Fact]
    public async Task GetMonthlyCostsAsync_NoAssignments_Empty()
    {
        var vps = await AddVpsAsync(monthlyCost: 10m);
        await AddIpAsync(vps.Id, cost: 2.50m);

        Assert.Empty(await Store.CostReport.GetMonthlyCostsAsync());
    }

    [Fact]
    public async Task GetMonthlyCostsAsync_SharedIpsAndVps_ExactAmountsPerTenant()
    {
        // VPS 1: approximate_cost 30.00 (preferred over monthly_cost 99.00); VPS 2: monthly_cost 10.00 only.
        var vps1 = await AddVpsAsync(monthlyCost: 99.00m, approximateCost: 30.00m);
        var vps2 = await AddVpsAsync(monthlyCost: 10.00m);
        var ip1 = await AddIpAsync(vps1.Id, cost: 10.00m);
        var ip2 = await AddIpAsync(vps1.Id, cost: 1.23m);
        var ip3 = await AddIpAsync(vps2.Id, cost: null);
        var ipNoVps = await AddIpAsync(null, cost: 4.00m);

        await AssignAsync(ip1, TenantA);
        await AssignAsync(ip1, TenantB, DomainIpAssignmentStatus.Scheduled);
        await AssignAsync(ip1, TenantB, DomainIpAssignmentStatus.Warming);
        await AssignAsync(ip2, TenantA);
        await AssignAsync(ip3, TenantB);
        await AssignAsync(ip3, null);
        await AssignAsync(ipNoVps, TenantA);
        await AssignAsync(ip1, TenantA, DomainIpAssignmentStatus.Expired); // does not count

        var costs = await Store.CostReport.GetMonthlyCostsAsync();

        // ip1 10.00 / 3 → A 3.3333, B 6.6667; ip2 1.23 → A; ip3 cost NULL → 0; ipNoVps 4.00 → A.
        // vps1 30.00 over 4 (ip1 ×3, ip2) → A 2 → 15.0000, B 2 → 15.0000; vps2 10.00 over 2 → B 5.0000, none 5.0000.
        Assert.Equal(
            [
                $"{TenantA.Value} n=3 ip=8.5633 vps=15.0000 total=23.5633",
                $"{TenantB.Value} n=3 ip=6.6667 vps=20.0000 total=26.6667",
                "none n=1 ip=0.0000 vps=5.0000 total=5.0000",
            ],
            costs.Select(Text));
    }

    [Fact]
    public async Task GetMonthlyCostsAsync_MidpointShares_RoundHalfAwayFromZero()
    {
        // 1.23 / 8 = 0.15375 and 0.01 / 2 = 0.005: exact midpoints at the fifth place.
        var vps = await AddVpsAsync(monthlyCost: 0.01m);
        var ip = await AddIpAsync(vps.Id, cost: 1.23m);
        for (var i = 0; i < 7; i++)
        {
            await AssignAsync(ip, TenantA);
        }

        await AssignAsync(ip, TenantB);

        var costs = await Store.CostReport.GetMonthlyCostsAsync();

        Assert.Equal(
            [
                $"{TenantA.Value} n=7 ip=1.0763 vps=0.0088 total=1.0851",
                $"{TenantB.Value} n=1 ip=0.1538 vps=0.0013 total=0.1551",
            ],
            costs.Select(Text));
    }

    [Fact]
    public async Task GetMonthlyCostsAsync_At_CountsOnlyAssignmentsNotExpiredThen()
    {
        var ip = await AddIpAsync(null, cost: 9.00m);
        var expires = Start.AddDays(10);
        await AssignAsync(ip, TenantA, expires: expires);
        await AssignAsync(ip, TenantB);

        var before = await Store.CostReport.GetMonthlyCostsAsync(expires.AddTicks(-10));
        var atExpiry = await Store.CostReport.GetMonthlyCostsAsync(expires);
        Store.Clock.SetUtcNow(expires.AddDays(1));
        var now = await Store.CostReport.GetMonthlyCostsAsync();

        Assert.Equal([4.5000m, 4.5000m], before.Select(c => c.IpCost));
        Assert.Equal([(TenantId?)TenantB], atExpiry.Select(c => c.TenantId));
        Assert.Equal("9.0000", atExpiry[0].IpCost.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(atExpiry.Select(Text), now.Select(Text));
    }

    [Fact]
    public async Task GetMonthlyCostsAsync_ManyRandomRows_EqualsThePureCalculatorToTheLastDecimal()
    {
        var random = new Random(20261123);
        var tenants = Enumerable.Range(0, 7).Select(_ => TenantId.New()).ToArray();
        var tenantOf = new Dictionary<DomainId, TenantId?>();
        var vpsList = new List<VpsInstance>();
        for (var v = 0; v < 4; v++)
        {
            vpsList.Add(await AddVpsAsync(
                monthlyCost: random.Next(0, 3) == 0 ? null : random.Next(1, 10_000_000) / 100m,
                approximateCost: random.Next(0, 2) == 0 ? null : random.Next(0, 1_000_000) / 100m));
        }

        var ips = new List<SmtpIpAddress>();
        for (var i = 0; i < 25; i++)
        {
            var vps = random.Next(0, 6) == 0 ? null : (VpsInstanceId?)vpsList[random.Next(vpsList.Count)].Id;
            ips.Add(await AddIpAsync(vps, cost: random.Next(0, 5) == 0 ? null : random.Next(0, 1_000_000) / 100m));
        }

        var statuses = new[] { DomainIpAssignmentStatus.Scheduled, DomainIpAssignmentStatus.Warming, DomainIpAssignmentStatus.Active, DomainIpAssignmentStatus.Expired };
        for (var a = 0; a < 120; a++)
        {
            var tenant = random.Next(0, 10) == 0 ? null : (TenantId?)tenants[random.Next(tenants.Length)];
            var expires = random.Next(0, 4) == 0 ? Start.AddDays(random.Next(1, 30)) : (DateTimeOffset?)null;
            var assignment = await AssignAsync(ips[random.Next(ips.Count)], tenant, statuses[random.Next(statuses.Length)], expires: expires);
            tenantOf[assignment.DomainId!.Value] = tenant;
        }

        var at = Start.AddDays(12);
        var assignments = new List<DomainIpAssignment>();
        var page = new PageRequest(PageRequest.MaxLimit);
        for (var result = await Store.DomainIpAssignments.ListAsync(null, page); ; result = await Store.DomainIpAssignments.ListAsync(null, page))
        {
            assignments.AddRange(result.Items);
            if (!result.HasMore)
            {
                break;
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }

        var expected = TenantCostCalculator.Compute(vpsList, ips, assignments, d => tenantOf[d], at);
        var actual = await Store.CostReport.GetMonthlyCostsAsync(at);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(Text), actual.Select(Text));
    }
}

public sealed class InMemoryTenantCostReportTests : TenantCostReportContract
{
    protected override IPoliciesStore CreateStore() => new InMemoryPoliciesStore();
}

public sealed class PostgresTenantCostReportTests(PostgresContractDatabase database) : TenantCostReportContract, IClassFixture<PostgresContractDatabase>
{
    protected override IPoliciesStore CreateStore() => new PostgresPoliciesStore(database);
}
