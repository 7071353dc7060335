using Npgsql;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;
using Xunit.Abstractions;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.IpPools;

/// <summary>
/// The allocation policy written in C# (<see cref="IpAllocationPolicy.Rank"/> over every candidate) against the stores'
/// own picks (the ranked statement on PostgreSQL, the indexed pick in memory) on random fleets of 1,000 IPs: random VPS
/// and IP statuses, reputations, counts, regions, domain holdings (some domains holding an IP in every region, so the
/// pick has to fall back to the full order), random options and requests. Every pick must be the policy's first IP, and
/// an exhausted pool must be exhausted on every side.
/// </summary>
public sealed class AllocationPolicyDifferentialTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int IpsPerFleet = 1000;
    private const int RequestsPerFleet = 60;

    private static readonly string?[] Regions = ["us-east", "us-west", "eu-central", "ap-south", null];

    private readonly PostgresContractDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Theory]
    [InlineData(101)]
    [InlineData(202)]
    [InlineData(303)]
    public async Task Pick_OnRandomFleets_IsThePolicysFirstIpOnBothStores(int seed)
    {
        var rng = new Random(seed);
        var fleet = Fleet.Generate(rng, IpsPerFleet);
        await ResetAsync();
        await fleet.SeedPostgresAsync(_database.DataSource);
        var memory = new InMemoryInfraStore();
        await fleet.SeedInMemoryAsync(memory);

        int picked = 0, exhausted = 0, fallback = 0;
        for (var round = 0; round < RequestsPerFleet; round++)
        {
            var options = RandomOptions(rng);
            var request = fleet.RandomRequest(rng);
            var ranked = IpAllocationPolicy.Rank(fleet.Candidates(request.DomainId), options, request);
            var expected = ranked.Count > 0 ? ranked[0].Id : (SmtpIpAddressId?)null;
            if (ranked.Count > 0 && (ranked[0].DomainAssignmentsOnVps > 0 || ranked[0].DomainAssignmentsInRegion > 0))
            {
                fallback++;
            }

            var onPostgres = await PickAsync(new NpgsqlIpPoolAllocator(_database.DataSource, options), request);
            var inMemory = await PickAsync(new InMemoryIpPoolAllocator(memory, options), request);
            var context = $"seed {seed}, round {round}: {Describe(options)}; request {Describe(request)}";
            Assert.True(expected == onPostgres, $"PostgreSQL picked {onPostgres?.ToString() ?? "nothing"}, the policy {expected?.ToString() ?? "nothing"} ({context})");
            Assert.True(expected == inMemory, $"In memory picked {inMemory?.ToString() ?? "nothing"}, the policy {expected?.ToString() ?? "nothing"} ({context})");
            if (expected is null)
            {
                exhausted++;
            }
            else
            {
                picked++;
            }
        }

        output.WriteLine($"seed {seed}: {picked} picks equal on both stores ({fallback} past the unheld VPS/regions), {exhausted} exhausted on both");
        Assert.True(picked > RequestsPerFleet / 2, "most random requests should find an IP");
        Assert.True(fallback > 0, "some requests should need the full order");
    }

    [Fact]
    public async Task Pick_WithDefaultOptions_IsServedByTheAllocationIndex()
    {
        var fleet = Fleet.Generate(new Random(7), IpsPerFleet);
        await ResetAsync();
        await fleet.SeedPostgresAsync(_database.DataSource);
        await using (var analyze = _database.DataSource.CreateCommand("ANALYZE"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var sql = SchemaName.Render(NpgsqlIpPoolAllocator.PickSql(new IpAllocationOptions()), SchemaName.Default);
        await using var command = _database.DataSource.CreateCommand("EXPLAIN " + sql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = fleet.Domains[1] }); // a domain holding a few IPs
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        output.WriteLine(string.Join(Environment.NewLine, plan));
        var text = string.Join(Environment.NewLine, plan);
        Assert.True(text.Contains("Index Scan using ix_smtp_ip_addresses_allocation_rank on smtp_ip_addresses ip", StringComparison.Ordinal), "the pick must read the allocation index:" + Environment.NewLine + text);
        Assert.False(text.Contains("Seq Scan on smtp_ip_addresses ip ", StringComparison.Ordinal), "the pick must not scan the fleet:" + Environment.NewLine + text);
        Assert.False(text.Contains("Sort", StringComparison.Ordinal) && text.IndexOf("Sort", StringComparison.Ordinal) < text.IndexOf("Subquery Scan on spread", StringComparison.Ordinal), "the first branch must not sort:" + Environment.NewLine + text);
    }

    private async Task ResetAsync()
    {
        await using var command = _database.DataSource.CreateCommand("TRUNCATE domain_ip_assignments, smtp_ip_addresses, vps_instances, domains CASCADE");
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<SmtpIpAddressId?> PickAsync(IIpPoolAllocator allocator, IpAllocationRequest request)
    {
        var unit = await allocator.UnitOfWork.BeginAsync();
        await using (unit)
        {
            try
            {
                return (await allocator.AllocateAsync(unit, request)).Ip.Id;
            }
            catch (IpPoolExhaustedException)
            {
                return null;
            }
            finally
            {
                await unit.RollbackAsync();
            }
        }
    }

    private static IpAllocationOptions RandomOptions(Random rng)
    {
        var assignable = Enum.GetValues<SmtpIpAddressStatus>().Where(SmtpIpAddressLifecycle.IsAssignable).ToArray();
        var preference = assignable.OrderBy(_ => rng.Next()).Take(rng.Next(0, assignable.Length + 1)).ToList();
        var excluded = Enum.GetValues<ReputationState>().Where(_ => rng.Next(3) == 0).ToHashSet();
        var defaults = rng.Next(4) == 0;
        return defaults
            ? new IpAllocationOptions { MaxAssignmentsPerIp = rng.Next(1, 12) }
            : new IpAllocationOptions
            {
                MaxAssignmentsPerIp = rng.Next(1, 12),
                RequireActiveVps = rng.Next(4) != 0,
                StatusPreference = preference,
                ExcludedReputationStates = excluded,
                PreferGoodReputation = rng.Next(3) != 0,
                SpreadAcrossVpsInstances = rng.Next(4) != 0,
                SpreadAcrossRegions = rng.Next(4) != 0,
            };
    }

    private static string Describe(IpAllocationOptions o) =>
        $"max {o.MaxAssignmentsPerIp}, active VPS {o.RequireActiveVps}, preference [{string.Join(",", o.StatusPreference)}], "
        + $"excluded [{string.Join(",", o.ExcludedReputationStates)}], good first {o.PreferGoodReputation}, spread VPS {o.SpreadAcrossVpsInstances}, regions {o.SpreadAcrossRegions}";

    private static string Describe(IpAllocationRequest r) =>
        $"domain {r.DomainId}, {r.ExcludeIps?.Count ?? 0} IPs and {r.ExcludeVpsInstances?.Count ?? 0} VPS excluded, only {r.OnlyIps?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any"}";

    private sealed record FleetVps(VpsInstanceId Id, string? Region, VpsInstanceStatus Status);

    private sealed record FleetIp(SmtpIpAddressId Id, VpsInstanceId? Vps, SmtpIpAddressStatus Status, ReputationState? Reputation, int Count, string Address);

    private sealed record FleetHolding(DomainId Domain, SmtpIpAddressId Ip, DomainIpAssignmentStatus Status);

    private sealed class Fleet
    {
        public List<FleetVps> Vps { get; } = [];

        public List<FleetIp> Ips { get; } = [];

        public List<Guid> Domains { get; } = [];

        public List<FleetHolding> Holdings { get; } = [];

        public static Fleet Generate(Random rng, int ipCount)
        {
            var fleet = new Fleet();
            var vpsStatuses = Enum.GetValues<VpsInstanceStatus>();
            for (var i = 0; i < 60; i++)
            {
                var status = rng.Next(5) == 0 ? vpsStatuses[rng.Next(vpsStatuses.Length)] : VpsInstanceStatus.Active;
                fleet.Vps.Add(new FleetVps(VpsInstanceId.New(), Regions[rng.Next(Regions.Length)], status));
            }

            var ipStatuses = Enum.GetValues<SmtpIpAddressStatus>();
            var reputations = Enum.GetValues<ReputationState>();
            for (var i = 0; i < ipCount; i++)
            {
                var vps = rng.Next(50) == 0 ? null : fleet.Vps[rng.Next(fleet.Vps.Count)];
                var status = rng.Next(10) == 0 ? ipStatuses[rng.Next(ipStatuses.Length)] : ipStatuses.Where(SmtpIpAddressLifecycle.IsAssignable).ElementAt(rng.Next(4));
                ReputationState? reputation = rng.Next(6) == 0 ? null : reputations[rng.Next(reputations.Length)];
                fleet.Ips.Add(new FleetIp(SmtpIpAddressId.New(), vps?.Id, status, reputation, rng.Next(0, 12), $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}"));
            }

            var assignmentStatuses = Enum.GetValues<DomainIpAssignmentStatus>();
            for (var d = 0; d < 40; d++)
            {
                var domain = DomainId.New();
                fleet.Domains.Add(domain.Value);
                // A quarter of the domains hold an IP on many VPS in every region; the rest hold 0 to 4 IPs.
                var count = d % 4 == 0 ? 120 : rng.Next(0, 5);
                foreach (var ip in fleet.Ips.OrderBy(_ => rng.Next()).Take(count))
                {
                    fleet.Holdings.Add(new FleetHolding(domain, ip.Id, assignmentStatuses[rng.Next(assignmentStatuses.Length)]));
                }
            }

            return fleet;
        }

        public IpAllocationRequest RandomRequest(Random rng)
        {
            var domain = new DomainId(Domains[rng.Next(Domains.Count)]);
            var request = new IpAllocationRequest(domain);
            if (rng.Next(4) == 0)
            {
                request = request with { ExcludeIps = Ips.OrderBy(_ => rng.Next()).Take(rng.Next(1, 30)).Select(i => i.Id).ToList() };
            }

            if (rng.Next(4) == 0)
            {
                request = request with { ExcludeVpsInstances = Vps.OrderBy(_ => rng.Next()).Take(rng.Next(1, 10)).Select(v => v.Id).ToList() };
            }

            if (rng.Next(6) == 0)
            {
                request = request with { OnlyIps = Ips.OrderBy(_ => rng.Next()).Take(rng.Next(0, 40)).Select(i => i.Id).ToList() };
            }

            return request;
        }

        /// <summary>The candidates as the policy defines them, computed from the generated rows alone.</summary>
        public List<IpCandidate> Candidates(DomainId domain)
        {
            var vps = Vps.ToDictionary(v => v.Id);
            var ipById = Ips.ToDictionary(i => i.Id);
            var held = Holdings.Where(h => h.Domain == domain && h.Status != DomainIpAssignmentStatus.Expired).Select(h => ipById[h.Ip]).ToList();
            var heldIds = held.Select(i => i.Id).ToHashSet();
            return
            [
                .. Ips.Where(i => SmtpIpAddressLifecycle.IsAssignable(i.Status))
                    .Select(i =>
                    {
                        var v = i.Vps is { } id ? vps[id] : null;
                        return new IpCandidate(
                            i.Id,
                            i.Vps,
                            v?.Region,
                            v?.Status,
                            i.Status,
                            i.Reputation,
                            i.Count,
                            heldIds.Contains(i.Id),
                            v is null ? 0 : held.Count(h => h.Vps == v.Id),
                            v?.Region is { } r ? held.Count(h => h.Vps is { } hv && vps[hv].Region == r) : 0);
                    }),
            ];
        }

        public async Task SeedPostgresAsync(NpgsqlDataSource dataSource)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await ExecAsync(
                "INSERT INTO vps_instances (id, hostwinds_instance_id, region, status) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])",
                Vps.Select(v => v.Id.Value).ToArray(),
                Vps.Select(v => "hw-" + v.Id.Value.ToString("N")).ToArray(),
                Vps.Select(v => v.Region).ToArray(),
                Vps.Select(v => v.Status.ToDatabaseValue()).ToArray());
            await ExecAsync(
                "INSERT INTO smtp_ip_addresses (id, vps_instance_id, ip_address, status, reputation_state, assigned_count) "
                + "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[])",
                Ips.Select(i => i.Id.Value).ToArray(),
                Ips.Select(i => i.Vps?.Value).ToArray(),
                Ips.Select(i => i.Address).ToArray(),
                Ips.Select(i => i.Status.ToDatabaseValue()).ToArray(),
                Ips.Select(i => i.Reputation?.ToDatabaseValue()).ToArray(),
                Ips.Select(i => i.Count).ToArray());
            await ExecAsync("INSERT INTO domains (id) SELECT * FROM unnest($1::uuid[])", Domains.ToArray());
            await ExecAsync(
                "INSERT INTO domain_ip_assignments (domain_id, smtp_ip_address_id, status) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])",
                Holdings.Select(h => h.Domain.Value).ToArray(),
                Holdings.Select(h => h.Ip.Value).ToArray(),
                Holdings.Select(h => h.Status.ToDatabaseValue()).ToArray());
            await tx.CommitAsync();

            async Task ExecAsync(string sql, params object[] arrays)
            {
                await using var command = new NpgsqlCommand(sql, connection, tx);
                foreach (var array in arrays)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = array });
                }

                await command.ExecuteNonQueryAsync();
            }
        }

        public async Task SeedInMemoryAsync(InMemoryInfraStore store)
        {
            var seed = store.Seed;
            foreach (var d in Domains)
            {
                store.AddDomain(new DomainId(d));
            }

            var vps = new Dictionary<VpsInstanceId, VpsInstance>();
            foreach (var v in Vps)
            {
                vps[v.Id] = seed.Vps(v.Status, new VpsInstance { Id = v.Id, Region = v.Region, HostwindsInstanceId = "hw-" + v.Id.Value.ToString("N") });
            }

            var ips = new Dictionary<SmtpIpAddressId, SmtpIpAddress>();
            foreach (var i in Ips)
            {
                ips[i.Id] = seed.SmtpIp(i.Vps is { } id ? vps[id] : null, i.Status, new SmtpIpAddress { Id = i.Id, IpAddress = i.Address, ReputationState = i.Reputation });
            }

            var repository = new InMemorySmtpIpAddressRepository(store);
            foreach (var i in Ips.Where(i => i.Count > 0))
            {
                await repository.AdjustAssignedCountAsync(i.Id, i.Count);
            }

            foreach (var h in Holdings)
            {
                seed.Assignment(ips[h.Ip], h.Domain, h.Status);
            }
        }
    }
}
