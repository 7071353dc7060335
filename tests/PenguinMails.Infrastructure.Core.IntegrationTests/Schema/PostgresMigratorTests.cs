using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

public sealed class PostgresMigratorTests
{
    private static readonly string[] LibraryTables =
    [
        "domain_ip_assignments", "feature_flags", "permissions", "smtp_ip_addresses", "staff_members", "staff_role_permissions",
        "staff_roles", "system_config", "tenant_config", "tenant_policies", "user_preferences", "vps_instances",
    ];

    [PostgresFact]
    public async Task MigrateAsync_UpUpDownUp_AppliesOnceRemovesEverythingAndReapplies()
    {
        await using var db = await Db.FreshAsync("updownup");
        await Db.CreateHostTablesAsync(db);
        var userId = Guid.NewGuid();
        await Db.ExecAsync(db, $"INSERT INTO users (id) VALUES ('{userId}')");
        var migrator = Db.Migrator(db, createHostTables: false);

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(Enumerable.Range(1, SchemaMigrations.LatestVersion), first);
        Assert.Empty(second);
        var status = await migrator.GetStatusAsync();
        Assert.True(status.IsUpToDate);
        Assert.Equal(SchemaMigrations.LatestVersion, status.CurrentVersion);
        Assert.All(status.Applied, a => Assert.Equal(SchemaMigrations.All[a.Version - 1].Checksum, a.Checksum));
        Assert.Equal(WellKnownPermissions.All.Count, (int)await Db.ScalarAsync<long>(db, "SELECT count(*) FROM permissions"));

        var down = await migrator.RollbackAsync(0);

        Assert.Equal(Enumerable.Range(1, SchemaMigrations.LatestVersion).Reverse(), down);
        var left = await Db.TablesAsync(db, "public");
        Assert.Empty(left.Intersect(LibraryTables));
        Assert.Equal(["domains", SchemaMigrations.HistoryTableName, "tenants", "users"], left.Order(StringComparer.Ordinal));
        Assert.Equal(userId, await Db.ScalarAsync<Guid>(db, "SELECT id FROM users"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(db, "SELECT count(*) FROM pg_proc WHERE proname = 'penguinmails_touch_updated'"));
        Assert.Equal(0L, await Db.ScalarAsync<long>(db, $"SELECT count(*) FROM {SchemaMigrations.HistoryTableName}"));
        Assert.Equal(SchemaMigrations.LatestVersion, (await migrator.GetStatusAsync()).Pending.Count);

        var again = await migrator.MigrateAsync();

        Assert.Equal(Enumerable.Range(1, SchemaMigrations.LatestVersion), again);
        Assert.True((await migrator.VerifyAsync()).IsUpToDate);
    }

    [PostgresFact]
    public async Task MigrateAsync_ToVersion_StopsThere_AndRollbackGoesBack()
    {
        await using var db = await Db.FreshAsync("toversion");
        var migrator = Db.Migrator(db);

        Assert.Equal([1, 2, 3], await migrator.MigrateAsync(3));
        Assert.Equal(Enumerable.Range(4, SchemaMigrations.LatestVersion - 3), (await migrator.GetStatusAsync()).Pending.Select(m => m.Version));
        Assert.Empty(await migrator.MigrateAsync(2));
        Assert.Equal([3, 2], await migrator.RollbackAsync(1));
        Assert.Contains("vps_instances", await Db.TablesAsync(db, "public"));
        Assert.DoesNotContain("domain_ip_assignments", await Db.TablesAsync(db, "public"));
        Assert.Empty(await migrator.RollbackAsync(1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => migrator.MigrateAsync(SchemaMigrations.LatestVersion + 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => migrator.RollbackAsync(-1));
    }

    [PostgresFact]
    public async Task MigrateAsync_RecordsHistoryWithClockAndAppliedBy()
    {
        await using var db = await Db.FreshAsync("history");
        var clock = new FixedClock(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var migrator = new PostgresMigrator(db, new MigratorOptions { CreateHostTables = true, AppliedBy = "deploy-bot", TimeProvider = clock });

        await migrator.MigrateAsync();
        var status = await migrator.GetStatusAsync();

        Assert.Equal(SchemaMigrations.LatestVersion, status.Applied.Count);
        Assert.All(status.Applied, a =>
        {
            Assert.Equal(clock.Now, a.AppliedAt);
            Assert.Equal("deploy-bot", a.AppliedBy);
            Assert.True(a.DurationMs >= 0);
            Assert.Equal(SchemaMigrations.All[a.Version - 1].Name, a.Name);
        });
    }

    [PostgresFact]
    public async Task MigrateAsync_TamperedChecksum_ThrowsDriftAndAppliesNothing()
    {
        await using var db = await Db.FreshAsync("drift");
        var migrator = Db.Migrator(db);
        await migrator.MigrateAsync(4);
        await Db.ExecAsync(db, $"UPDATE {SchemaMigrations.HistoryTableName} SET checksum = repeat('0', 64) WHERE version = 2");

        var ex = await Assert.ThrowsAsync<SchemaDriftException>(() => migrator.MigrateAsync());

        var drift = Assert.Single(ex.Drift);
        Assert.Equal(2, drift.Version);
        Assert.Equal(new string('0', 64), drift.AppliedChecksum);
        Assert.Equal(SchemaMigrations.All[1].Checksum, drift.ExpectedChecksum);
        Assert.Contains("version 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, (await migrator.GetStatusAsync()).Applied.Count);
        Assert.Single((await migrator.GetStatusAsync()).Drift);
        await Assert.ThrowsAsync<SchemaDriftException>(() => migrator.VerifyAsync());
        await Assert.ThrowsAsync<SchemaDriftException>(() => migrator.RollbackAsync(0));
        await Assert.ThrowsAsync<SchemaDriftException>(() => migrator.RunAsync(MigrationMode.VerifyOnly));
    }

    [PostgresFact]
    public async Task MigrateAsync_NonDefaultSchema_InstallsEverythingThereAndNothingElsewhere()
    {
        await using var db = await Db.FreshAsync("custom");
        var before = await ObjectsOutsideAsync(db, "pm_custom");
        var migrator = Db.Migrator(db, "pm_custom");

        await migrator.MigrateAsync();

        Assert.Equal(before, await ObjectsOutsideAsync(db, "pm_custom"));
        var tables = await Db.TablesAsync(db, "pm_custom");
        Assert.Equal(LibraryTables.Concat(SchemaMigrations.HostTables).Append(SchemaMigrations.HistoryTableName).Order(StringComparer.Ordinal), tables.Order(StringComparer.Ordinal));
        Assert.Equal(WellKnownPermissions.All.Count, (int)await Db.ScalarAsync<long>(db, "SELECT count(*) FROM pm_custom.permissions"));
        Assert.Equal(SchemaMigrations.LatestVersion, (await Db.Migrator(db).GetStatusAsync()).Pending.Count);

        await migrator.RollbackAsync(0);

        Assert.Equal(before, await ObjectsOutsideAsync(db, "pm_custom"));
    }

    [PostgresFact]
    public async Task MigrateAsync_MissingHostTables_NamesThemAndCreatesNothing()
    {
        await using var db = await Db.FreshAsync("hosttables");
        await Db.ExecAsync(db, "CREATE TABLE users (id UUID PRIMARY KEY)");
        var migrator = Db.Migrator(db, createHostTables: false);

        var ex = await Assert.ThrowsAsync<MigrationException>(() => migrator.MigrateAsync());

        Assert.Equal(MigrationFailure.HostTablesMissing, ex.Failure);
        Assert.Equal(["tenants", "domains"], ex.MissingHostTables);
        Assert.Contains("tenants, domains", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CreateHostTables", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["users"], await Db.TablesAsync(db, "public"));
    }

    [PostgresFact]
    public async Task MigrateAsync_FailingScript_RollsBackThatVersionOnlyAndNamesIt()
    {
        await using var db = await Db.FreshAsync("scriptfail");
        await Db.CreateHostTablesAsync(db);
        await Db.ExecAsync(db, "CREATE TABLE domain_ip_assignments (x INT)"); // makes version 2 fail
        var migrator = Db.Migrator(db, createHostTables: false);

        var ex = await Assert.ThrowsAsync<MigrationException>(() => migrator.MigrateAsync());

        Assert.Equal(MigrationFailure.ScriptFailed, ex.Failure);
        Assert.Equal(2, ex.Version);
        Assert.Contains("0002_create_domain_ip_assignments", ex.Message, StringComparison.Ordinal);
        Assert.Contains("42P07", ex.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(ex.InnerException);
        var status = await migrator.GetStatusAsync();
        Assert.Equal([1], status.Applied.Select(a => a.Version));
        Assert.Equal(0L, await Db.ScalarAsync<long>(db, "SELECT count(*) FROM pg_class WHERE relname LIKE 'ix_domain_ip_assignments%'"));

        await Db.ExecAsync(db, "DROP TABLE domain_ip_assignments");
        Assert.Equal(Enumerable.Range(2, SchemaMigrations.LatestVersion - 1), await migrator.MigrateAsync());
    }

    [PostgresFact]
    public async Task VerifyAsync_Pending_ListsThemAndChangesNothing()
    {
        await using var db = await Db.FreshAsync("verify");
        var migrator = Db.Migrator(db);

        var empty = await Assert.ThrowsAsync<MigrationException>(() => migrator.RunAsync(MigrationMode.VerifyOnly));
        Assert.Equal(MigrationFailure.PendingMigrations, empty.Failure);
        Assert.Equal(Enumerable.Range(1, SchemaMigrations.LatestVersion), empty.PendingVersions);
        Assert.Empty(await Db.TablesAsync(db, "public"));

        await migrator.MigrateAsync(5);
        var partial = await Assert.ThrowsAsync<MigrationException>(() => migrator.VerifyAsync());

        Assert.Equal(Enumerable.Range(6, SchemaMigrations.LatestVersion - 5), partial.PendingVersions);
        Assert.Contains("0006_create_tenant_config_and_policies", partial.Message, StringComparison.Ordinal);
        Assert.Contains("0007_seed_well_known_permissions", partial.Message, StringComparison.Ordinal);

        await migrator.RunAsync(MigrationMode.Off);
        Assert.Equal(SchemaMigrations.LatestVersion - 5, (await migrator.GetStatusAsync()).Pending.Count);
        await migrator.RunAsync(MigrationMode.Migrate);
        await migrator.RunAsync(MigrationMode.VerifyOnly);
    }

    [PostgresFact]
    public async Task MigrateAsync_LockHeldElsewhere_TimesOutNamingTheHolder()
    {
        await using var db = await Db.FreshAsync("locktimeout");
        var holderCs = new NpgsqlConnectionStringBuilder(db.ConnectionString) { ApplicationName = "lock-holder-test" }.ConnectionString;
        await using var holder = new NpgsqlConnection(holderCs);
        await holder.OpenAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", holder, tx))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = PostgresMigrator.GetAdvisoryLockKey("public") });
            await take.ExecuteNonQueryAsync();
        }

        var migrator = new PostgresMigrator(db, new MigratorOptions { CreateHostTables = true, MigrationLockTimeout = TimeSpan.FromMilliseconds(300) });

        var ex = await Assert.ThrowsAsync<MigrationException>(() => migrator.MigrateAsync());

        Assert.Equal(MigrationFailure.LockTimeout, ex.Failure);
        Assert.True(ex.IsTransient);
        Assert.Equal(holder.ProcessID, ex.LockHolderPid);
        Assert.Equal("lock-holder-test", ex.LockHolderApplication);
        Assert.Contains($"pid {holder.ProcessID}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("lock-holder-test", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await Db.TablesAsync(db, "public"));

        await tx.RollbackAsync();
        Assert.Equal(SchemaMigrations.LatestVersion, (await migrator.MigrateAsync()).Count);
    }

    [PostgresFact]
    public async Task UpdatedTrigger_BumpsUnlessTheUpdateSetsIt()
    {
        await using var db = await Db.FreshAsync("trigger");
        await Db.Migrator(db).MigrateAsync();
        await Db.ExecAsync(db, "INSERT INTO feature_flags (key, updated) VALUES ('a', '2000-01-01T00:00:00Z'), ('b', '2000-01-01T00:00:00Z')");

        await Db.ExecAsync(db, "UPDATE feature_flags SET is_enabled = TRUE WHERE key = 'a'");
        await Db.ExecAsync(db, "UPDATE feature_flags SET is_enabled = TRUE, updated = '2001-02-03T04:05:06Z' WHERE key = 'b'");

        var a = await Db.ScalarAsync<DateTime>(db, "SELECT updated FROM feature_flags WHERE key = 'a'");
        var b = await Db.ScalarAsync<DateTime>(db, "SELECT updated FROM feature_flags WHERE key = 'b'");
        Assert.True(a > new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), $"updated was not bumped: {a:O}");
        Assert.Equal(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc), b);
    }

    [PostgresFact]
    public async Task Additions_RejectInvalidRows()
    {
        await using var db = await Db.FreshAsync("additions_reject");
        await Db.Migrator(db).MigrateAsync();
        var user = Guid.NewGuid();
        var domain = Guid.NewGuid();
        await Db.ExecAsync(db, $"INSERT INTO users (id) VALUES ('{user}'); INSERT INTO domains (id) VALUES ('{domain}')");
        await Db.ExecAsync(db, "INSERT INTO vps_instances (id) VALUES ('00000000-0000-0000-0000-000000000001')");
        await Db.ExecAsync(db, "INSERT INTO smtp_ip_addresses (id, vps_instance_id, ip_address) VALUES ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', '192.0.2.1')");

        await AssertViolatesAsync(db, "INSERT INTO feature_flags (key, rollout_percentage) VALUES ('x', 101)", "ck_feature_flags_rollout_percentage");
        await AssertViolatesAsync(db, "INSERT INTO feature_flags (key, rollout_percentage) VALUES ('x', -1)", "ck_feature_flags_rollout_percentage");
        await AssertViolatesAsync(db, "INSERT INTO vps_instances (hostwinds_billing_day) VALUES (32)", "ck_vps_instances_hostwinds_billing_day");
        await AssertViolatesAsync(db, "INSERT INTO vps_instances (hostwinds_billing_day) VALUES (0)", "ck_vps_instances_hostwinds_billing_day");
        await AssertViolatesAsync(db, "INSERT INTO vps_instances (monthly_cost) VALUES (-0.01)", "ck_vps_instances_monthly_cost");
        await AssertViolatesAsync(db, "INSERT INTO vps_instances (approximate_cost) VALUES (-1)", "ck_vps_instances_approximate_cost");
        await AssertViolatesAsync(db, "INSERT INTO smtp_ip_addresses (ip_address, approximate_cost) VALUES ('192.0.2.9', -1)", "ck_smtp_ip_addresses_approximate_cost");
        await AssertViolatesAsync(db, "INSERT INTO smtp_ip_addresses (ip_address, assigned_count) VALUES ('192.0.2.9', -1)", "ck_smtp_ip_addresses_assigned_count");
        await Db.ExecAsync(db, $"INSERT INTO user_preferences (user_id) VALUES ('{user}')");
        await AssertViolatesAsync(db, $"INSERT INTO user_preferences (user_id) VALUES ('{user}')", "ux_user_preferences_user_id");

        var assign = $"INSERT INTO domain_ip_assignments (domain_id, smtp_ip_address_id, status) VALUES ('{domain}', '00000000-0000-0000-0000-000000000002', ";
        await Db.ExecAsync(db, assign + "'expired')");
        await Db.ExecAsync(db, assign + "'expired')");
        await Db.ExecAsync(db, assign + "'active')");
        await AssertViolatesAsync(db, assign + "'scheduled')", "ux_domain_ip_assignments_domain_id_smtp_ip_address_id");
        await Db.ExecAsync(db, "UPDATE domain_ip_assignments SET status = 'expired' WHERE status = 'active'");
        await Db.ExecAsync(db, assign + "'warming')");
    }

    [PostgresFact]
    public async Task ReservedKeywords_EveryServerKeywordThatCannotQualifyATable_IsRejected()
    {
        await using var db = await Db.FreshAsync("keywords");

        var keywords = await Db.StringsAsync(db, "SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T')");

        Assert.NotEmpty(keywords);
        Assert.All(keywords, k => Assert.False(SchemaMigrations.IsValidSchemaName(k), k));
    }

    private static async Task AssertViolatesAsync(NpgsqlDataSource db, string sql, string constraint)
    {
        var ex = await Assert.ThrowsAsync<PostgresException>(() => Db.ExecAsync(db, sql));
        Assert.Equal(constraint, ex.ConstraintName);
    }

    /// <summary>Every relation, function and type outside a schema (and the system schemas), to prove nothing leaks.</summary>
    private static Task<List<string>> ObjectsOutsideAsync(NpgsqlDataSource db, string schema) =>
        Db.StringsAsync(
            db,
            """
            SELECT 'rel:' || n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname NOT IN ($1, 'pg_catalog', 'information_schema', 'pg_toast')
            UNION ALL SELECT 'proc:' || n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname NOT IN ($1, 'pg_catalog', 'information_schema')
            UNION ALL SELECT 'schema:' || nspname FROM pg_namespace WHERE nspname <> $1
            ORDER BY 1
            """,
            schema);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
