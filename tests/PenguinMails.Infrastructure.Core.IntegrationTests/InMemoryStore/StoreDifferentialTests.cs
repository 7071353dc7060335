using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.InMemoryStore;

/// <summary>
/// A differential run: the same seeded random sequence of operations (valid and invalid values, any status target,
/// filters, paging, cancelled tokens) on a fresh PostgreSQL database and a fresh in-memory store, with the same clock
/// steps. Every outcome must be the same on both: the same returned rows (equal, and equal as text, so a decimal's scale
/// counts), or the same exception type (and, for validation, the same failing fields).
/// </summary>
public sealed class StoreDifferentialTests
{
    private const int Operations = 600;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RandomOperations_SameOutcomeOnBothStores(int seed)
    {
        var random = new Random(seed);
        var database = new PostgresContractDatabase(); // a fresh database per run: both stores start empty
        await database.InitializeAsync();
        await using var cleanup = new AsyncCleanup(database.DisposeAsync);
        var stores = new IContractStore[] { new PostgresContractStore(database), new InMemoryContractStore() };
        var region = "diff-" + seed;
        var vpsIds = new List<VpsInstanceId>();
        var ipIds = new List<SmtpIpAddressId>();
        var flagIds = new List<FeatureFlagId>();
        var differences = new List<string>();
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        var succeeded = 0;

        for (var step = 0; step < Operations; step++)
        {
            var tick = TimeSpan.FromTicks(random.Next(1, 50_000_000));
            foreach (var store in stores)
            {
                store.Clock.Advance(tick);
            }

            var kind = random.Next(12);
            var cancelled = random.Next(20) == 0 ? new CancellationToken(canceled: true) : CancellationToken.None;
            string name;
            Func<IContractStore, Task<object?>> operation;
            switch (kind)
            {
                case 0:
                case 1:
                {
                    var vps = NewVps(random, region);
                    vpsIds.Add(vps.Id);
                    name = $"add vps {vps}";
                    operation = async s => await s.VpsInstances.AddAsync(vps, cancelled);
                    break;
                }

                case 2:
                {
                    var id = Pick(random, vpsIds);
                    var monthly = RandomDecimal(random);
                    var day = random.Next(-1, 33);
                    var ticks = random.Next(0, 20);
                    name = $"update vps {id} monthly={monthly} day={day} token+{ticks} ticks";
                    operation = async s =>
                    {
                        var current = await s.VpsInstances.GetAsync(id);
                        return current is null
                            ? "missing"
                            : await s.VpsInstances.UpdateAsync(
                                current with { MonthlyCost = monthly, HostwindsBillingDay = day, Updated = current.Updated.AddTicks(ticks) },
                                cancelled
                            );
                    };
                    break;
                }

                case 3:
                {
                    var id = Pick(random, vpsIds);
                    var to = random.Next(10) == 0 ? (VpsInstanceStatus)77 : (VpsInstanceStatus)random.Next(4);
                    name = $"vps {id} -> {to}";
                    operation = async s =>
                    {
                        var current = await s.VpsInstances.GetAsync(id);
                        return current is null ? "missing" : await s.VpsInstances.ChangeStatusAsync(current, to, cancellationToken: cancelled);
                    };
                    break;
                }

                case 4:
                {
                    var ip = new SmtpIpAddress
                    {
                        Id = new SmtpIpAddressId(RandomGuid(random)),
                        IpAddress = random.Next(15) == 0 ? "999.1.2.3" : $"203.0.{random.Next(256)}.{random.Next(256)}",
                        VpsInstanceId = random.Next(4) == 0 || vpsIds.Count == 0 ? null : Pick(random, vpsIds),
                        ApproximateCost = RandomDecimal(random),
                        LastReputationCheck = random.Next(2) == 0 ? null : new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(random.Next()),
                    };
                    ipIds.Add(ip.Id);
                    name = $"add ip {ip}";
                    operation = async s => await s.SmtpIpAddresses.AddAsync(ip, cancelled);
                    break;
                }

                case 5:
                {
                    var id = Pick(random, ipIds);
                    var to = random.Next(10) == 0 ? (SmtpIpAddressStatus)77 : (SmtpIpAddressStatus)random.Next(7);
                    name = $"ip {id} -> {to}";
                    operation = async s =>
                    {
                        var current = await s.SmtpIpAddresses.GetAsync(id);
                        return current is null ? "missing" : await s.SmtpIpAddresses.ChangeStatusAsync(current, to, cancelled);
                    };
                    break;
                }

                case 6:
                {
                    var id = Pick(random, vpsIds);
                    name = $"delete vps {id}";
                    operation = async s => await s.VpsInstances.DeleteAsync(id, cancelled);
                    break;
                }

                case 7:
                {
                    var status = random.Next(6) switch
                    {
                        0 => (VpsInstanceStatus?)null,
                        1 => (VpsInstanceStatus)55,
                        var n => (VpsInstanceStatus)(n - 2),
                    };
                    var limit = random.Next(0, 6);
                    name = $"list vps status={status} limit={limit}";
                    operation = async s => Describe(await s.VpsInstances.ListAsync(new VpsInstanceFilter(status, region), new PageRequest(limit), cancelled));
                    break;
                }

                case 8:
                {
                    var status = random.Next(5) == 0 ? (SmtpIpAddressStatus)55 : (SmtpIpAddressStatus)random.Next(7);
                    name = $"count ips status={status}";
                    operation = async s => await s.SmtpIpAddresses.CountAsync(new SmtpIpAddressFilter(Status: status), cancelled);
                    break;
                }

                case 9:
                {
                    var flag = new FeatureFlag
                    {
                        Id = new FeatureFlagId(RandomGuid(random)),
                        Key = random.Next(10) == 0 ? "Bad Key!" : $"diff-{seed}-{random.Next(40)}",
                        RolloutPercentage = random.Next(-5, 106),
                        IsEnabled = random.Next(2) == 0,
                    };
                    flagIds.Add(flag.Id);
                    name = $"add flag {flag}";
                    operation = async s => await s.FeatureFlags.AddAsync(flag, cancelled);
                    break;
                }

                case 10:
                {
                    var id = Pick(random, flagIds);
                    var rollout = random.Next(-5, 106);
                    name = $"update flag {id} rollout={rollout}";
                    operation = async s =>
                    {
                        var current = await s.FeatureFlags.GetAsync(id);
                        return current is null ? "missing" : await s.FeatureFlags.UpdateAsync(current with { RolloutPercentage = rollout }, cancelled);
                    };
                    break;
                }

                default:
                {
                    var id = Pick(random, ipIds);
                    name = $"get ip {id}";
                    operation = async s => await s.SmtpIpAddresses.GetAsync(id, cancelled);
                    break;
                }
            }

            var outcomes = new List<string>();
            foreach (var store in stores)
            {
                outcomes.Add(await OutcomeAsync(() => operation(store)));
            }

            succeeded += outcomes[1].StartsWith("ok: ", StringComparison.Ordinal) ? 1 : 0;
            kinds.Add(outcomes[1].StartsWith("ok: ", StringComparison.Ordinal) ? "ok" : outcomes[1].Split(':')[0]);
            if (outcomes[0] != outcomes[1])
            {
                differences.Add($"step {step}, {name}:\n  postgres:  {outcomes[0]}\n  in-memory: {outcomes[1]}");
            }
        }

        Assert.True(differences.Count == 0, $"{differences.Count} of {Operations} outcomes differ:\n" + string.Join("\n", differences.Take(10)));

        // The run is only worth something if it reached both the successful and the failing paths.
        Assert.InRange(succeeded, Operations / 4, Operations - 50);
        Assert.Superset(new HashSet<string>(StringComparer.Ordinal) { "ok", "EntityValidationException", "OperationCanceledException", "InvalidStatusTransitionException", "ConcurrencyConflictException" }, kinds);
        Assert.Equal(
            await stores[0].VpsInstances.CountAsync(new VpsInstanceFilter(Region: region)),
            await stores[1].VpsInstances.CountAsync(new VpsInstanceFilter(Region: region))
        );
    }

    private sealed class AsyncCleanup(Func<Task> cleanup) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await cleanup();
    }

    private static async Task<string> OutcomeAsync(Func<Task<object?>> operation)
    {
        try
        {
            var result = await operation();
            return "ok: " + (result?.ToString() ?? "null");
        }
        catch (EntityValidationException ex)
        {
            return "EntityValidationException: " + string.Join(",", ex.Errors.Select(e => e.Field + "/" + e.Rule));
        }
        catch (Exception ex)
        {
            return ex.GetType().Name;
        }
    }

    private static string Describe<T>(Page<T> page) => string.Join(" | ", page.Items) + (page.ContinuationToken is null ? " (last)" : " (more)");

    private static VpsInstance NewVps(Random random, string region) =>
        new()
        {
            Id = new VpsInstanceId(RandomGuid(random)),
            HostwindsInstanceId = random.Next(8) == 0 ? "hw-dup" : "hw-" + random.Next(),
            IpAddress = random.Next(15) == 0 ? "300.0.0.1" : $"198.51.100.{random.Next(256)}",
            Region = region,
            MonthlyCost = RandomDecimal(random),
            ApproximateCost = RandomDecimal(random),
            HostwindsBillingDay = random.Next(3) == 0 ? null : random.Next(0, 33),
            CurrentBillingPeriodEnd = random.Next(2) == 0 ? null : new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(random.Next()),
        };

    private static decimal? RandomDecimal(Random random) =>
        random.Next(6) switch
        {
            0 => null,
            1 => random.Next(0, 1000),
            2 => random.Next(0, 100000) / 10m,
            3 => random.Next(0, 100000) / 100m,
            4 => random.Next(0, 100000) / 1000m,
            _ => -random.Next(1, 100) / 100m,
        };

    private static Guid RandomGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static T Pick<T>(Random random, List<T> items)
        where T : struct => items.Count == 0 ? default : items[random.Next(items.Count)];
}
