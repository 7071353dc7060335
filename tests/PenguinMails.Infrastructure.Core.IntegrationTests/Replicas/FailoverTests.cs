using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit.Postgres;
using PenguinMails.Infrastructure.TestKit.Reliability;
using Xunit.Abstractions;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Replicas;

/// <summary>
/// Failover under load on a primary and a synchronous streaming standby of this test alone: four workers write through
/// the package (registered with the standby listed first), the primary is stopped with <c>-m immediate</c> and the
/// standby promoted two seconds later. Every failure is typed, writes come back by themselves, the listener comes back
/// on the new primary and react to a notification, and the ledger holds on the new primary (synchronous replication: no
/// acknowledged write is lost).
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Workers = 4;
    private const string Schema = "failover";

    /// <summary>How long after the promotion writes and listeners must be back: a generous bound for a loaded CI machine; the measured figures are printed.</summary>
    private static readonly TimeSpan s_recoveryBound = TimeSpan.FromSeconds(30);

    [PrivatePostgresFact]
    public async Task StopPrimaryAndPromoteStandby_UnderFourWriters_TypedErrorsOnlyWritesAndListenersBackNoAcknowledgedWriteLost()
    {
        await using var pair = await PrimaryStandbyPair.StartNewAsync();
        using var host = await ReplicaHosts.StartAsync(
            pair.StandbyFirstConnectionString(csb => csb.Timeout = 2),
            Schema,
            configure: o => o.FeatureFlags.RefreshInterval = TimeSpan.FromMinutes(10)); // reloads come from notifications alone
        var services = host.Services;
        var ledger = new OperationLedger();
        var workload = new Workload(
            new WorkloadStore(
                services.GetRequiredService<IVpsInstanceRepository>(),
                services.GetRequiredService<ISmtpIpAddressRepository>(),
                services.GetRequiredService<IDomainIpAssignmentRepository>(),
                services.GetRequiredService<IInfraUnitOfWorkFactory>(),
                id => ReplicaHosts.ExecuteAsync(pair.PrimaryConnectionString, $"INSERT INTO {Schema}.domains (id) VALUES ($1)", id.Value)),
            ledger);
        await workload.SeedAsync(100, domainCount: 10);
        await services.GetRequiredService<IFeatureFlagRepository>().AddAsync(new FeatureFlag { Key = "after-failover", Description = "before" });
        const string listening = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'pair' AND query = 'LISTEN penguinmails_infra'";
        Assert.True(await ReplicaHosts.WaitUntilAsync(async () => await PrimaryStandbyPair.ScalarAsync<long>(pair.PrimaryPort, "postgres", listening) >= 1, TimeSpan.FromSeconds(30)));

        var clock = Stopwatch.StartNew();
        var stopped = long.MaxValue;
        var firstAckAfterStop = long.MaxValue;
        var stop = 0;
        var before = new int[Workers];
        var after = new int[Workers];
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (Volatile.Read(ref stop) == 0)
            {
                var startedAt = clock.ElapsedTicks;
                var afterStop = startedAt > Volatile.Read(ref stopped);
                if (await workload.RunOneAsync(random))
                {
                    if (afterStop)
                    {
                        after[w]++;
                        InterlockedMin(ref firstAckAfterStop, clock.ElapsedTicks);
                    }
                    else
                    {
                        before[w]++;
                    }
                }
                else
                {
                    await Task.Delay(10);
                }
            }
        })).ToArray();

        Assert.True(await ReplicaHosts.WaitUntilAsync(() => Task.FromResult(before.All(n => n >= 10)), TimeSpan.FromSeconds(60)), "the workers did not start writing");
        var stopStarted = clock.Elapsed;
        await pair.StopPrimaryAsync("immediate");
        Volatile.Write(ref stopped, clock.ElapsedTicks);
        var stoppedAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await pair.PromoteStandbyAsync();
        var promotedAt = clock.Elapsed;

        var recovered = await ReplicaHosts.WaitUntilAsync(() => Task.FromResult(after.All(n => n >= 10)), s_recoveryBound + TimeSpan.FromSeconds(30));
        var listenersBack = await ReplicaHosts.WaitUntilAsync(
            async () => await PrimaryStandbyPair.ScalarAsync<long>(pair.StandbyPort, "postgres", listening) >= 1,
            s_recoveryBound);
        var listenersBackAt = clock.Elapsed;

        // Another process changes a flag on the new primary: the notification reaches the package's listener.
        await ReplicaHosts.ExecuteAsync(pair.StandbyConnectionString, $"UPDATE {Schema}.feature_flags SET description = 'after' WHERE key = 'after-failover'");
        var provider = services.GetRequiredService<FeatureFlagSnapshotProvider>();
        var reacted = await ReplicaHosts.WaitUntilAsync(
            () => Task.FromResult(provider.Current.Find("after-failover")?.Description == "after"),
            TimeSpan.FromSeconds(10));

        Volatile.Write(ref stop, 1);
        await Task.WhenAll(workers);

        var snapshot = await StoreSnapshot.ReadAsync(
            services.GetRequiredService<IVpsInstanceRepository>(),
            services.GetRequiredService<ISmtpIpAddressRepository>(),
            services.GetRequiredService<IDomainIpAssignmentRepository>());
        var violations = InvariantChecker.Check(ledger, snapshot);
        var firstAck = Volatile.Read(ref firstAckAfterStop);
        var writesBackAfterPromotion = firstAck == long.MaxValue ? (TimeSpan?)null : TimeSpan.FromSeconds((double)firstAck / Stopwatch.Frequency) - promotedAt;
        output.WriteLine(ledger.ToString());
        output.WriteLine($"untyped errors: {ledger.UntypedErrors.Count} ({string.Join("; ", ledger.UntypedErrors.Select(e => e.GetType().Name + ": " + e.Message).Distinct().Take(3))})");
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"stop took {(stoppedAt - stopStarted).TotalSeconds:F2} s; promoted {(promotedAt - stoppedAt).TotalSeconds:F2} s after the stop; "
            + $"first acknowledged write {writesBackAfterPromotion?.TotalSeconds:F2} s after the promotion ({(writesBackAfterPromotion + (promotedAt - stoppedAt))?.TotalSeconds:F2} s after the stop); "
            + $"the listener on the new primary {(listenersBackAt - promotedAt).TotalSeconds:F2} s after the promotion (polled every 50 ms); "
            + $"acknowledged per worker before: {string.Join(", ", before)}; after: {string.Join(", ", after)}"));

        Assert.Empty(ledger.UntypedErrors);
        Assert.True(ledger.ErrorCount<TransientDatabaseException>() > 0, "the failover did not reach the workers: " + ledger);
        Assert.True(recovered, $"not every worker wrote again: {string.Join(", ", after)}; {pair.LogTail()}");
        Assert.NotNull(writesBackAfterPromotion);
        Assert.True(writesBackAfterPromotion < s_recoveryBound, $"writes came back {writesBackAfterPromotion} after the promotion");
        Assert.True(listenersBack, "the listener did not come back on the new primary: " + pair.LogTail());
        Assert.True(reacted, "the flag listener did not react to a notification on the new primary");
        Assert.Empty(violations);
        await host.StopAsync();
    }

    private static void InterlockedMin(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
