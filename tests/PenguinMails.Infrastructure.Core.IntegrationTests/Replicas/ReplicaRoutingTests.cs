using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Replicas;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit.Postgres;
using Xunit.Abstractions;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Replicas;

/// <summary>
/// A real primary and streaming hot standby, and the package registered with a connection string that lists the standby
/// first with the default <c>Target Session Attributes</c> (<c>any</c>, where a naive client lands on the standby).
/// While the standby's replay is paused it shows old data, so where each read went is visible in what it returns.
/// </summary>
public sealed class ReplicaRoutingTests(PrimaryStandbyFixture fixture, ITestOutputHelper output) : IClassFixture<PrimaryStandbyFixture>
{
    private PrimaryStandbyPair Pair => fixture.Pair;

    [PrivatePostgresFact]
    public async Task StandbyFirstHostList_EveryWritePathOperation_LandsOnThePrimaryAndTheStandbyHoldsNoLock()
    {
        const string schema = "write_paths";
        await Pair.PauseReplayAsync();
        try
        {
            // Migrate at start: its lock, history and DDL on the primary (the standby would refuse the DDL with 25006).
            using var host = await ReplicaHosts.StartAsync(Pair.StandbyFirstConnectionString(), schema);
            var services = host.Services;

            // VerifyOnly at start: the standby has not replayed the migration, so only the primary can pass it.
            using (var verifying = await ReplicaHosts.StartAsync(Pair.StandbyFirstConnectionString(), schema, MigrationMode.VerifyOnly))
            {
                await verifying.StopAsync();
            }

            // Writes, a bulk import (COPY), a unit of work, an allocation (FOR UPDATE SKIP LOCKED) and a domain lock.
            var vps = await services.GetRequiredService<IVpsInstanceRepository>().AddAsync(new VpsInstance());
            var ips = Enumerable.Range(1, 5)
                .Select(i => new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = string.Create(CultureInfo.InvariantCulture, $"10.9.0.{i}") })
                .ToList();
            Assert.Equal(5, await services.GetRequiredService<ISmtpIpAddressRepository>().BulkImportAsync(ips));
            var domain = DomainId.New();
            await ReplicaHosts.ExecuteAsync(Pair.PrimaryConnectionString, $"INSERT INTO {schema}.domains (id) VALUES ($1)", domain.Value);
            await using (var unit = await services.GetRequiredService<IInfraUnitOfWorkFactory>().BeginAsync())
            {
                await unit.FeatureFlags.AddAsync(new FeatureFlag { Key = "in-unit" });
                await unit.CommitAsync();
            }

            var allocator = services.GetRequiredService<IIpPoolAllocator>();
            var allocation = await allocator.AllocateAsync(new IpAllocationRequest(domain));
            Assert.Contains(allocation.Ip.Id, ips.Select(i => i.Id));
            await using (var unit = await allocator.UnitOfWork.BeginAsync())
            {
                await allocator.LockDomainAsync(unit, domain);
                Assert.True(await PrimaryStandbyPair.ScalarAsync<long>(Pair.PrimaryPort, PrimaryStandbyPair.Database, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") >= 1);
                Assert.Equal(0L, await PrimaryStandbyPair.ScalarAsync<long>(Pair.StandbyPort, PrimaryStandbyPair.Database, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"));
                await unit.RollbackAsync();
            }

            // The one change-notification listener LISTENs on the primary (a standby refuses LISTEN), and none on the standby.
            const string listeners = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'pair' AND query = 'LISTEN penguinmails_infra'";
            Assert.True(
                await ReplicaHosts.WaitUntilAsync(async () => await PrimaryStandbyPair.ScalarAsync<long>(Pair.PrimaryPort, "postgres", listeners) >= 1, TimeSpan.FromSeconds(30)),
                "the listener did not LISTEN on the primary");
            Assert.Equal(0L, await PrimaryStandbyPair.ScalarAsync<long>(Pair.StandbyPort, "postgres", listeners));

            // Reads that feed a write, and authorization, read the primary: the standby has none of these rows yet.
            Assert.NotNull(await services.GetRequiredService<IVpsInstanceRepository>().GetAsync(vps.Id));
            Assert.Equal(0L, await PrimaryStandbyPair.ScalarAsync<long>(Pair.StandbyPort, PrimaryStandbyPair.Database, "SELECT count(*) FROM pg_namespace WHERE nspname = 'write_paths'"));

            var health = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            var entry = health.Entries[PenguinMailsInfraHealthChecksBuilderExtensions.DefaultName];
            output.WriteLine($"health: {entry.Status} {entry.Description}; " + string.Join(", ", entry.Data.Select(d => $"{d.Key}={d.Value}")));
            Assert.Equal(HealthStatus.Healthy, entry.Status);
            Assert.Equal(false, entry.Data["write_route_in_recovery"]);
            Assert.Equal(1L, entry.Data["standbys"]);
            Assert.True(entry.Data.ContainsKey("replica_lag_bytes"));
            await host.StopAsync();
        }
        finally
        {
            await Pair.ResumeReplayAsync();
        }
    }

    [PrivatePostgresFact]
    public async Task PreferStandbyScope_ListsAndCountsReadTheStandby_EverythingElseAndReadYourWritesReadThePrimary()
    {
        const string schema = "read_routes";
        using var host = await ReplicaHosts.StartAsync(
            Pair.StandbyFirstConnectionString(),
            schema,
            configure: o => o.Replicas.ReadYourWritesTimeout = TimeSpan.FromMilliseconds(200));
        var repository = host.Services.GetRequiredService<IVpsInstanceRepository>();
        var checker = host.Services.GetRequiredService<IPermissionChecker>();
        await Pair.WaitForReplayAsync();
        await Pair.PauseReplayAsync();
        try
        {
            var user = UserId.New();
            await ReplicaHosts.ExecuteAsync(Pair.PrimaryConnectionString, $"INSERT INTO {schema}.users (id) VALUES ($1)", user.Value);
            var role = await host.Services.GetRequiredService<IStaffRoleRepository>().AddAsync(new StaffRole { Id = new StaffRoleId(900), Name = "replica-readers" });
            var permission = await host.Services.GetRequiredService<IPermissionRepository>().GetByNameAsync(WellKnownPermissions.FeatureFlagsManage);
            await host.Services.GetRequiredService<IStaffRoleRepository>().GrantAsync(role.Id, permission!.Id);
            await host.Services.GetRequiredService<IStaffMemberRepository>().AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
            var added = await repository.AddAsync(new VpsInstance());

            // No scope: the primary.
            Assert.Equal(1L, await repository.CountAsync());
            Assert.Single((await repository.ListAsync()).Items);

            using (ReadRoute.PreferStandby())
            {
                // Declared safe to be stale: the standby, which has not replayed the insert.
                Assert.Equal(0L, await repository.CountAsync());
                Assert.Empty((await repository.ListAsync()).Items);

                // Not declared stale: a get by id, and a permission check, still read the primary.
                Assert.NotNull(await repository.GetAsync(added.Id));
                Assert.True(await checker.HasPermissionAsync(user, WellKnownPermissions.FeatureFlagsManage));

                // A primary scope inside wins.
                using (ReadRoute.Primary())
                {
                    Assert.Equal(1L, await repository.CountAsync());
                }
            }

            // Read-your-writes: the standby cannot catch up while paused, so after the bound the read goes to the primary.
            using (ReadRoute.PreferStandby(ReadConsistency.ReadYourWrites))
            {
                Assert.Equal(1L, await repository.CountAsync());
            }

            await Pair.ResumeReplayAsync();
            var second = await repository.AddAsync(new VpsInstance());
            using (ReadRoute.PreferStandby(ReadConsistency.ReadYourWrites))
            {
                // Replay running: the read waits for the standby to reach the primary's position (or reads the primary);
                // either way it sees the write just made.
                Assert.Equal(2L, await repository.CountAsync());
            }

            Assert.NotEqual(added.Id, second.Id);
        }
        finally
        {
            await Pair.ResumeReplayAsync();
        }

        await host.StopAsync();
    }

    [PrivatePostgresFact]
    public async Task NotifyDrivenReloads_1000ChangesFromAnotherProcess_NoReloadIsStale()
    {
        const string schema = "flag_reloads";
        const int changes = 1000;
        using var host = await ReplicaHosts.StartAsync(
            Pair.StandbyFirstConnectionString(),
            schema,
            configure: o =>
            {
                // The timer refresh reads the standby (read-your-writes) and runs often, to interleave with notifications.
                o.Replicas.BackgroundReadsFromStandby = true;
                o.Replicas.ReadYourWritesTimeout = TimeSpan.FromMilliseconds(20);
                o.FeatureFlags.RefreshInterval = TimeSpan.FromMilliseconds(100);
            });
        var provider = host.Services.GetRequiredService<FeatureFlagSnapshotProvider>();
        await host.Services.GetRequiredService<IFeatureFlagRepository>().AddAsync(new FeatureFlag { Key = "reloaded", Description = "0" });
        const string listeners = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'pair' AND query = 'LISTEN penguinmails_infra'";
        Assert.True(await ReplicaHosts.WaitUntilAsync(async () => await PrimaryStandbyPair.ScalarAsync<long>(Pair.PrimaryPort, "postgres", listeners) >= 1, TimeSpan.FromSeconds(30)));
        await Pair.WaitForReplayAsync();

        // The standby shows the flag's first value throughout: any reload that read it would go back in time.
        await Pair.PauseReplayAsync();
        var seen = new List<int>();
        var reached = new TaskCompletionSource[changes + 1];
        for (var k = 0; k <= changes; k++)
        {
            reached[k] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        void OnChanged(object? sender, FeatureFlagSnapshot snapshot)
        {
            if (snapshot.Find("reloaded")?.Description is { } d)
            {
                var value = int.Parse(d, CultureInfo.InvariantCulture);
                lock (seen)
                {
                    seen.Add(value);
                }

                reached[value].TrySetResult();
            }
        }

        provider.SnapshotChanged += OnChanged;
        var stale = 0;
        try
        {
            // Another process's writes, on a connection of its own: the package learns of them only by NOTIFY (or the timer).
            await using var writer = new Npgsql.NpgsqlConnection(Pair.PrimaryConnectionString);
            await writer.OpenAsync();
            await using var update = new Npgsql.NpgsqlCommand($"UPDATE {schema}.feature_flags SET description = $1 WHERE key = 'reloaded'", writer);
            var parameter = new Npgsql.NpgsqlParameter<string>();
            update.Parameters.Add(parameter);
            for (var i = 1; i <= changes; i++)
            {
                parameter.TypedValue = i.ToString(CultureInfo.InvariantCulture);
                await update.ExecuteNonQueryAsync();
                var done = await Task.WhenAny(reached[i].Task, Task.Delay(TimeSpan.FromSeconds(10)));
                Assert.True(done == reached[i].Task, $"change {i} was not reloaded");
            }

            // No more notifications: the timer reloads now, from the standby when it has caught up, else the primary.
            int replacements;
            lock (seen)
            {
                replacements = seen.Count;
            }

            Assert.True(
                await ReplicaHosts.WaitUntilAsync(
                    () =>
                    {
                        lock (seen)
                        {
                            return Task.FromResult(seen.Count >= replacements + 5);
                        }
                    },
                    TimeSpan.FromSeconds(30)),
                "the timer did not reload");
        }
        finally
        {
            provider.SnapshotChanged -= OnChanged;
            await Pair.ResumeReplayAsync();
        }

        int[] values;
        lock (seen)
        {
            values = [.. seen];
        }

        for (var k = 1; k < values.Length; k++)
        {
            if (values[k] < values[k - 1])
            {
                stale++;
            }
        }

        output.WriteLine($"{changes} changes, {values.Length} snapshot replacements, {stale} that went back in time");
        Assert.Equal(0, stale);
        Assert.Equal(changes, values[^1]);
        await host.StopAsync();
    }

    [PrivatePostgresFact]
    public async Task ReadYourWrites_200WritesEachReadAtOnceFromTheStandby_NoneStale_StaleFiguresPrinted()
    {
        const string schema = "lag_figures";
        const int writes = 200;
        using var host = await ReplicaHosts.StartAsync(Pair.StandbyFirstConnectionString(), schema);
        var repository = host.Services.GetRequiredService<IVpsInstanceRepository>();
        var staleReads = 0;
        var readYourWritesStale = 0;
        for (var i = 1; i <= 2 * writes; i++)
        {
            await repository.AddAsync(new VpsInstance());
            if (i % 2 == 1)
            {
                using (ReadRoute.PreferStandby())
                {
                    staleReads += await repository.CountAsync() < i ? 1 : 0;
                }
            }
            else
            {
                using (ReadRoute.PreferStandby(ReadConsistency.ReadYourWrites))
                {
                    readYourWritesStale += await repository.CountAsync() < i ? 1 : 0;
                }
            }
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"standby reads right after an acknowledged write (synchronous commit, idle): stale {staleReads}/{writes} ({100.0 * staleReads / writes:F0} %); read-your-writes: {readYourWritesStale}/{writes}"));
        Assert.Equal(0, readYourWritesStale);
        await host.StopAsync();
    }

    [PrivatePostgresFact]
    public async Task HealthCheck_WriteRouteOnAServerInRecovery_Unhealthy()
    {
        // A single-host connection string naming the standby: the package cannot tell before it connects.
        using var host = await ReplicaHosts.StartAsync(Pair.StandbyConnectionString, "public", MigrationMode.Off);

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = health.Entries[PenguinMailsInfraHealthChecksBuilderExtensions.DefaultName];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("recovery", entry.Description, StringComparison.Ordinal);
        Assert.Equal(true, entry.Data["write_route_in_recovery"]);
        await host.StopAsync();
    }

    [PrivatePostgresFact]
    public async Task CostReport_BackgroundReadsFromStandby_ReadsTheStandbyElseThePrimary()
    {
        const string schema = "cost_report";
        using var standbyReads = await ReplicaHosts.StartAsync(Pair.StandbyFirstConnectionString(), schema, configure: o => o.Replicas.BackgroundReadsFromStandby = true);
        using var primaryReads = await ReplicaHosts.StartAsync(Pair.StandbyFirstConnectionString(), schema);
        var tenant = TenantId.New();
        var domain = DomainId.New();
        await ReplicaHosts.ExecuteAsync(Pair.PrimaryConnectionString, $"INSERT INTO {schema}.tenants (id) VALUES ($1)", tenant.Value);
        await ReplicaHosts.ExecuteAsync(Pair.PrimaryConnectionString, $"INSERT INTO {schema}.domains (id, tenant_id) VALUES ($1, $2)", domain.Value, tenant.Value);
        var vps = await primaryReads.Services.GetRequiredService<IVpsInstanceRepository>().AddAsync(new VpsInstance { MonthlyCost = 12m });
        await primaryReads.Services.GetRequiredService<ISmtpIpAddressRepository>().AddAsync(new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "10.8.0.1" });
        await Pair.WaitForReplayAsync();
        await Pair.PauseReplayAsync();
        try
        {
            await primaryReads.Services.GetRequiredService<IIpPoolAllocator>().AllocateAsync(new IpAllocationRequest(domain));

            // The standby has not replayed the assignment; the primary has.
            Assert.DoesNotContain(await standbyReads.Services.GetRequiredService<ITenantCostReport>().GetMonthlyCostsAsync(), c => c.TenantId == tenant);
            Assert.Contains(await primaryReads.Services.GetRequiredService<ITenantCostReport>().GetMonthlyCostsAsync(), c => c.TenantId == tenant && c.AssignmentCount == 1);
        }
        finally
        {
            await Pair.ResumeReplayAsync();
        }

        await Pair.WaitForReplayAsync();
        Assert.Contains(await standbyReads.Services.GetRequiredService<ITenantCostReport>().GetMonthlyCostsAsync(), c => c.TenantId == tenant && c.AssignmentCount == 1);
        await standbyReads.StopAsync();
        await primaryReads.StopAsync();
    }

    [PrivatePostgresFact]
    public async Task RegisteredMultiHostDataSource_IsFound_AndAFixedTargetDataSourceIsRejected()
    {
        const string schema = "registered";
        await using var multiHost = new Npgsql.NpgsqlDataSourceBuilder(Pair.StandbyFirstConnectionString()).BuildMultiHost();

        // Registered as NpgsqlMultiHostDataSource only (what Npgsql.DependencyInjection's AddMultiHostNpgsqlDataSource does).
        using (var host = await ReplicaHosts.StartAsync(
                   "unused",
                   schema,
                   configure: o => o.ConnectionString = null,
                   services: s => s.AddSingleton(multiHost),
                   infra: b => b.UseNpgsqlDataSourceFromServices()))
        {
            var added = await host.Services.GetRequiredService<IVpsInstanceRepository>().AddAsync(new VpsInstance());
            Assert.NotNull(await host.Services.GetRequiredService<IVpsInstanceRepository>().GetAsync(added.Id));
            await host.StopAsync();
        }

        var fixedTarget = multiHost.WithTargetSession(Npgsql.TargetSessionAttributes.Any);
        var ex = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ReplicaHosts.StartAsync(
            "unused",
            schema,
            configure: o => o.ConnectionString = null,
            services: s => s.AddSingleton(fixedTarget),
            infra: b => b.UseNpgsqlDataSourceFromServices()));
        Assert.Contains("UseNpgsql", ex.Message, StringComparison.Ordinal);
        Assert.Contains("standby", ex.Message, StringComparison.Ordinal);
    }
}
