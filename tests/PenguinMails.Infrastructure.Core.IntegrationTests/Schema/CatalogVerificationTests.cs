using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>
/// <see cref="PostgresMigrator.VerifyCatalogAsync"/> and <c>penguinmails-infra verify</c>: the live catalog against what the
/// applied versions must have produced, every out-of-band difference by name.
/// </summary>
public sealed class CatalogVerificationTests
{
    [PostgresTheory]
    [InlineData("public")]
    [InlineData("pm_catalog")]
    public async Task VerifyCatalogAsync_CleanlyMigrated_NoDifferenceAndNothingLeftBehind(string schema)
    {
        await using var db = await Db.FreshAsync("verify_clean");
        var migrator = Db.Migrator(db, schema);
        await migrator.MigrateAsync();
        var before = await SchemaCatalog.DescribeAsync(db, schema);

        var result = await migrator.VerifyCatalogAsync();

        Assert.True(result.IsClean, string.Join("; ", result.Differences));
        Assert.Equal(Enumerable.Range(1, SchemaMigrations.LatestVersion), result.Versions);
        Assert.True(result.ObjectsCompared > 150, $"only {result.ObjectsCompared} objects compared");
        Assert.Equal(before, await SchemaCatalog.DescribeAsync(db, schema));
        Assert.Equal(0L, await Db.ScalarAsync<long>(db, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'pm_verify_%'"));
        await migrator.RunAsync(MigrationMode.VerifyCatalog);
    }

    [PostgresFact]
    public async Task VerifyCatalogAsync_PartlyMigrated_ComparesWithTheAppliedVersionsOnly()
    {
        await using var db = await Db.FreshAsync("verify_partial");
        var migrator = Db.Migrator(db);
        await migrator.MigrateAsync(3);

        var result = await migrator.VerifyCatalogAsync();

        Assert.True(result.IsClean, string.Join("; ", result.Differences));
        Assert.Equal([1, 2, 3], result.Versions);
    }

    [PostgresFact]
    public async Task VerifyCatalogAsync_DroppedIndexAlteredTypeAddedColumn_ReportsEachByName()
    {
        await using var db = await Db.FreshAsync("verify_dirty");
        var migrator = Db.Migrator(db);
        await migrator.MigrateAsync();

        // The host's own objects in the same schema are not the package's business.
        await Db.ExecAsync(db, "CREATE TABLE host_audit (id int PRIMARY KEY); ALTER TABLE users ADD COLUMN email text; CREATE INDEX ix_host_users_email ON users (email)");
        // A DBA's out-of-band changes to the package's tables are.
        await Db.ExecAsync(db, "DROP INDEX ix_vps_instances_region");
        await Db.ExecAsync(db, "ALTER TABLE vps_instances ALTER COLUMN ip_address TYPE text");
        await Db.ExecAsync(db, "ALTER TABLE smtp_ip_addresses ADD COLUMN note text DEFAULT 'x'");

        var result = await migrator.VerifyCatalogAsync();

        Assert.Equal(
            [
                new CatalogDifference(CatalogDifferenceKind.Unexpected, "column", "smtp_ip_addresses.note", null, "text default 'x'::text"),
                new CatalogDifference(CatalogDifferenceKind.Changed, "column", "vps_instances.ip_address", "character varying(45)", "text"),
                new CatalogDifference(CatalogDifferenceKind.Missing, "index", "ix_vps_instances_region", "CREATE INDEX ix_vps_instances_region ON public.vps_instances USING btree (region)", null),
            ],
            result.Differences.OrderBy(d => d.ObjectType, StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal));
        var ex = await Assert.ThrowsAsync<SchemaCatalogException>(() => migrator.RunAsync(MigrationMode.VerifyCatalog));
        Assert.Equal(3, ex.Differences.Count);
        Assert.Contains("missing index ix_vps_instances_region", ex.Message, StringComparison.Ordinal);
        Assert.Contains("changed column vps_instances.ip_address: expected character varying(45), actual text", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected column smtp_ip_addresses.note", ex.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task VerifyCatalogAsync_ChangedDefaultConstraintTriggerAndFunction_ReportsEachByName()
    {
        await using var db = await Db.FreshAsync("verify_dirty2");
        var migrator = Db.Migrator(db);
        await migrator.MigrateAsync();

        await Db.ExecAsync(db, "ALTER TABLE feature_flags ALTER COLUMN rollout_percentage SET DEFAULT 7");
        await Db.ExecAsync(db, "ALTER TABLE feature_flags DROP CONSTRAINT ck_feature_flags_rollout_percentage");
        await Db.ExecAsync(db, "DROP TRIGGER trg_permissions_notify ON permissions");
        await Db.ExecAsync(db, "CREATE OR REPLACE FUNCTION penguinmails_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$");

        var result = await migrator.VerifyCatalogAsync();

        Assert.Equal(
            [
                "changed column feature_flags.rollout_percentage",
                "missing constraint feature_flags.ck_feature_flags_rollout_percentage",
                "changed function penguinmails_notify_change()",
                "missing trigger permissions.trg_permissions_notify",
            ],
            result.Differences.Select(d => $"{d.Kind.ToString().ToLowerInvariant()} {d.ObjectType} {d.Name}").OrderBy(d => d.Split(' ')[1], StringComparer.Ordinal));
    }

    [PostgresFact]
    public async Task Cli_Verify_ExitZeroWhenCleanAndOneNamingEveryDifference()
    {
        var cs = await PostgresServer.CreateDatabaseAsync("verify_cli");
        Assert.Equal(0, (await CliProcess.RunAsync(["migrate", "--create-host-tables", "--connection", cs])).ExitCode);

        var clean = await CliProcess.RunAsync(["verify", "--connection", cs]);
        await using (var db = Npgsql.NpgsqlDataSource.Create(cs))
        {
            await Db.ExecAsync(db, "DROP INDEX ix_smtp_ip_addresses_status; ALTER TABLE tenant_config ADD COLUMN legacy_flag boolean");
        }

        var dirty = await CliProcess.RunAsync(["verify", "--connection", cs]);

        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Contains($"catalog matches versions {string.Join(", ", Enumerable.Range(1, SchemaMigrations.LatestVersion))}", clean.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, dirty.ExitCode);
        Assert.Contains("2 difference(s)", dirty.Stdout, StringComparison.Ordinal);
        Assert.Contains("missing index ix_smtp_ip_addresses_status", dirty.Stdout, StringComparison.Ordinal);
        Assert.Contains("unexpected column tenant_config.legacy_flag (boolean)", dirty.Stdout, StringComparison.Ordinal);
        Assert.Single(dirty.Stderr.Trim().Split('\n'));
    }
}
