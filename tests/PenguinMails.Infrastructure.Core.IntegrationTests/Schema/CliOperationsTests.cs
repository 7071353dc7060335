using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>
/// The operator's side of <c>penguinmails-infra</c>, each case run as a separate process against a fresh database:
/// --help and --version, the exit codes, bounds, the rollback guard and its plan, a missing schema, JSON output,
/// connection failures that name host and port, and Ctrl+C.
/// </summary>
public sealed class CliOperationsTests
{
    private static readonly string[] s_commands =
    [
        "migrate",
        "rollback",
        "status",
        "verify",
        "script",
        "flags",
        "flags list",
        "flags explain",
    ];

    [Fact]
    public async Task Cli_HelpOnEveryCommandAndVersion_ExitZero()
    {
        var version = await CliProcess.RunAsync(["--version"]);
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout.Trim());

        var none = await CliProcess.RunAsync([]);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("Usage:", none.Stdout, StringComparison.Ordinal);
        Assert.Contains(
            "penguinmails-infra [command] [options]",
            none.Stdout,
            StringComparison.Ordinal
        );

        foreach (var command in s_commands)
        {
            var help = await CliProcess.RunAsync([.. command.Split(' '), "--help"]);
            Assert.True(help.ExitCode == 0, $"{command} --help: {help}");
            Assert.Contains($"penguinmails-infra {command}", help.Stdout, StringComparison.Ordinal);
            Assert.Contains("--connection", help.Stdout, StringComparison.Ordinal);
            Assert.Equal("", help.Stderr);
        }

        var migrateHelp = await CliProcess.RunAsync(["migrate", "--help"]);
        Assert.Contains("--to <N>", migrateHelp.Stdout, StringComparison.Ordinal);
        Assert.Contains("--create-host-tables", migrateHelp.Stdout, StringComparison.Ordinal);
        var rollbackHelp = await CliProcess.RunAsync(["help", "rollback"]);
        Assert.Contains("--dry-run", rollbackHelp.Stdout, StringComparison.Ordinal);
        Assert.Contains("--yes", rollbackHelp.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_VersionsOutOfRange_ExitTwoWithAPlainMessage()
    {
        var env = new Dictionary<string, string>
        {
            ["PENGUINMAILS_CONNECTION"] = "Host=127.0.0.1;Port=1",
        };
        var latest = SchemaMigrations.LatestVersion;
        var results = new[]
        {
            await CliProcess.RunAsync(["migrate", "--to", "99"], env),
            await CliProcess.RunAsync(["rollback", "--to", "99", "--yes"], env),
            await CliProcess.RunAsync(["script", "--from", "99"], env),
            await CliProcess.RunAsync(["migrate", "--to", "-1"], env),
            await CliProcess.RunAsync(["script", "--from", "5", "--to", "3"], env),
            await CliProcess.RunAsync(["status", "--schema", "Bad-Name"], env),
            await CliProcess.RunAsync(["status", "--output", "yaml"], env),
            await CliProcess.RunAsync(["migrate", "--create-host-tables=maybe"], env),
        };

        Assert.All(
            results,
            r =>
            {
                Assert.True(r.ExitCode == 2, r.ToString());
                Assert.Single(r.Stderr.Trim().Split('\n'));
                Assert.DoesNotContain("Parameter", r.Stderr, StringComparison.Ordinal);
                Assert.DoesNotContain("Exception", r.Stderr, StringComparison.Ordinal);
            }
        );
        Assert.Contains(
            $"--to 99 is out of range: this package has versions 1 to {latest}",
            results[0].Stderr,
            StringComparison.Ordinal
        );
        Assert.Contains(
            $"--to 99 is out of range: this package has versions 1 to {latest}",
            results[1].Stderr,
            StringComparison.Ordinal
        );
        Assert.Contains("--from 99 is out of range", results[2].Stderr, StringComparison.Ordinal);
        Assert.Contains("--from 5 is above --to 3", results[4].Stderr, StringComparison.Ordinal);
        Assert.Contains(
            "--schema 'Bad-Name' is not accepted",
            results[5].Stderr,
            StringComparison.Ordinal
        );
        Assert.Contains(
            "--create-host-tables takes true/false",
            results[7].Stderr,
            StringComparison.Ordinal
        );
    }

    [PostgresFact]
    public async Task Cli_RollbackGuardDryRunAndYes_PlanWithRowCountsThenRollsBack()
    {
        var cs = await PostgresServer.CreateDatabaseAsync("cli_rollback");
        var env = new Dictionary<string, string> { ["PENGUINMAILS_CONNECTION"] = cs };
        var latest = SchemaMigrations.LatestVersion;
        var migrate = await CliProcess.RunAsync(["migrate", "--create-host-tables=yes"], env);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        await using (var db = NpgsqlDataSource.Create(cs))
        {
            var flags = new NpgsqlFeatureFlagRepository(db, "public", TimeProvider.System);
            await flags.AddAsync(
                new FeatureFlag
                {
                    Key = "one",
                    IsEnabled = true,
                    RolloutPercentage = 10,
                }
            );
            await flags.AddAsync(new FeatureFlag { Key = "two" });
        }

        var refused = await CliProcess.RunAsync(["rollback", "--to", "0"], env);
        var afterRefusal = await CliProcess.RunAsync(["status"], env);
        var dryRun = await CliProcess.RunAsync(["rollback", "--to", "3", "--dry-run"], env);
        var afterDryRun = await CliProcess.RunAsync(["status"], env);
        var rollback = await CliProcess.RunAsync(["rollback", "--to", "3", "--yes"], env);
        var pending = await CliProcess.RunAsync(["status"], env);
        var nothing = await CliProcess.RunAsync(["rollback", "--to", "3", "--yes"], env);

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains(
            $"rollback plan from version {latest} to 0",
            refused.Stdout,
            StringComparison.Ordinal
        );
        Assert.Matches(
            @"(?m)^\s+0004 \S+\s+.*drops table feature_flags \(2 rows\)",
            refused.Stdout
        );
        Assert.Matches(
            @"(?m)^\s+0001 \S+\s+.*drops table smtp_ip_addresses \(0 rows\); drops table vps_instances \(0 rows\)",
            refused.Stdout
        );
        Assert.Contains("--yes", refused.Stderr, StringComparison.Ordinal);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.True(afterRefusal.ExitCode == 0, afterRefusal.ToString());
        Assert.Contains(
            $"version {latest} of {latest}, up to date",
            afterRefusal.Stdout,
            StringComparison.Ordinal
        );

        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains(
            $"rollback plan from version {latest} to 3",
            dryRun.Stdout,
            StringComparison.Ordinal
        );
        Assert.Contains(
            "drops table feature_flags (2 rows)",
            dryRun.Stdout,
            StringComparison.Ordinal
        );
        Assert.DoesNotContain("0003 ", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("row(s) would be dropped", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains(
            $"version {latest} of {latest}, up to date",
            afterDryRun.Stdout,
            StringComparison.Ordinal
        );

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Contains(
            "rolled back " + string.Join(", ", Enumerable.Range(4, latest - 3).Reverse()),
            rollback.Stdout,
            StringComparison.Ordinal
        );
        Assert.True(pending.ExitCode == 3, pending.ToString());
        Assert.Contains(
            $"version 3 of {latest}, pending versions",
            pending.Stdout,
            StringComparison.Ordinal
        );
        Assert.True(nothing.ExitCode == 0, nothing.ToString());
        Assert.Contains("nothing to roll back", nothing.Stdout, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Cli_StatusOnMissingSchemaAndJson_SaysSoAndExitsThree()
    {
        var cs = await PostgresServer.CreateDatabaseAsync("cli_status");
        var env = new Dictionary<string, string> { ["PENGUINMAILS_CONNECTION"] = cs };
        var database = new NpgsqlConnectionStringBuilder(cs).Database;

        var missing = await CliProcess.RunAsync(["status", "--schema", "nosuch"], env);
        var missingJson = await CliProcess.RunAsync(
            ["status", "--schema", "nosuch", "--output", "json"],
            env
        );
        var emptyPublic = await CliProcess.RunAsync(["status"], env);
        var flagsOnMissing = await CliProcess.RunAsync(
            ["flags", "list", "--schema", "nosuch"],
            env
        );
        Assert.Equal(
            0,
            (
                await CliProcess.RunAsync(
                    ["migrate", "--create-host-tables", "--schema", "pm_json"],
                    env
                )
            ).ExitCode
        );
        var json = await CliProcess.RunAsync(
            ["status", "--schema", "pm_json", "--output", "json"],
            env
        );

        Assert.True(missing.ExitCode == 3, missing.ToString());
        Assert.Contains(
            $"/{database}: schema nosuch does not exist",
            missing.Stderr,
            StringComparison.Ordinal
        );
        Assert.Equal("", missing.Stdout);
        Assert.True(missingJson.ExitCode == 3, missingJson.ToString());
        using (var doc = JsonDocument.Parse(missingJson.Stdout))
        {
            Assert.False(doc.RootElement.GetProperty("installed").GetBoolean());
            Assert.False(doc.RootElement.GetProperty("schema_exists").GetBoolean());
            Assert.Equal("not_installed", doc.RootElement.GetProperty("state").GetString());
        }

        Assert.True(emptyPublic.ExitCode == 3, emptyPublic.ToString());
        Assert.Contains(
            "schema public exists but holds no penguinmails_schema_history",
            emptyPublic.Stderr,
            StringComparison.Ordinal
        );
        Assert.True(flagsOnMissing.ExitCode == 3, flagsOnMissing.ToString());
        Assert.Contains(
            "the schema is not installed",
            flagsOnMissing.Stderr,
            StringComparison.Ordinal
        );
        Assert.Single(flagsOnMissing.Stderr.Trim().Split('\n'));

        Assert.True(json.ExitCode == 0, json.ToString());
        using (var doc = JsonDocument.Parse(json.Stdout))
        {
            var root = doc.RootElement;
            Assert.Equal("pm_json", root.GetProperty("schema").GetString());
            Assert.Equal("up_to_date", root.GetProperty("state").GetString());
            Assert.Equal(
                SchemaMigrations.LatestVersion,
                root.GetProperty("current_version").GetInt32()
            );
            Assert.Equal(
                SchemaMigrations.LatestVersion,
                root.GetProperty("applied").GetArrayLength()
            );
            Assert.Equal(0, root.GetProperty("pending").GetArrayLength());
            Assert.Equal(
                "penguinmails-infra",
                root.GetProperty("applied")[0].GetProperty("applied_by").GetString()
            );
        }
    }

    [PostgresFact]
    public async Task Cli_UnknownRoleOrDatabase_NamesUserHostAndPortNeverThePassword()
    {
        var cs = new NpgsqlConnectionStringBuilder(
            await PostgresServer.CreateDatabaseAsync("cli_auth")
        );
        var host = $"{cs.Host}:{cs.Port}";
        var badUser = new NpgsqlConnectionStringBuilder(cs.ConnectionString)
        {
            Username = "no_such_role",
            Password = "pw-Secret-93a1",
        };
        var badDatabase = new NpgsqlConnectionStringBuilder(cs.ConnectionString)
        {
            Database = "no_such_database",
            Password = "pw-Secret-93a1",
        };

        var auth = await CliProcess.RunAsync(["status", "--connection", badUser.ConnectionString]);
        var db = await CliProcess.RunAsync([
            "migrate",
            "--connection",
            badDatabase.ConnectionString,
        ]);

        Assert.True(auth.ExitCode == 1, auth.ToString());
        Assert.Contains(
            $"authentication failed for user 'no_such_role' at {host}",
            auth.Stderr,
            StringComparison.Ordinal
        );
        Assert.True(db.ExitCode == 3, db.ToString());
        Assert.Contains(
            $"database 'no_such_database' does not exist on {host}",
            db.Stderr,
            StringComparison.Ordinal
        );
        Assert.All(
            new[] { auth, db },
            r =>
            {
                Assert.Single(r.Stderr.Trim().Split('\n'));
                Assert.DoesNotContain(
                    "pw-Secret-93a1",
                    r.Stdout + r.Stderr,
                    StringComparison.Ordinal
                );
            }
        );
    }

    [PostgresFact]
    public async Task Cli_CtrlCWhileWaitingForTheMigrationLock_StopsCleanlyWithExit130()
    {
        var cs = await PostgresServer.CreateDatabaseAsync("cli_cancel");
        await using var db = NpgsqlDataSource.Create(cs);
        await using var holder = await db.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", holder))
        {
            take.Parameters.Add(
                new NpgsqlParameter { Value = PostgresMigrator.GetAdvisoryLockKey("public") }
            );
            await take.ExecuteNonQueryAsync();
        }

        using var process = CliProcess.StartCli([
            "migrate",
            "--create-host-tables",
            "--lock-timeout",
            "600",
            "--connection",
            cs,
        ]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        // Wait until the tool's session is blocked on the lock, then send SIGINT as a terminal's Ctrl+C does.
        var waited = Stopwatch.StartNew();
        while (
            await Db.ScalarAsync<long>(
                db,
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'penguinmails-infra' AND wait_event_type = 'Lock' AND datname = current_database()"
            ) == 0
        )
        {
            if (process.HasExited)
            {
                Assert.Fail(
                    $"the CLI exited ({process.ExitCode}) before waiting for the lock: {await stderr}"
                );
            }

            Assert.True(
                waited.Elapsed < TimeSpan.FromMinutes(3),
                "the CLI never waited for the migration lock"
            );
            await Task.Delay(100);
        }

        using (
            var kill = Process.Start(
                "kill",
                ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]
            )
        )
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(
            process.ExitCode == 130,
            $"exit {process.ExitCode}; stdout: {await stdout}; stderr: {await stderr}"
        );
        Assert.Contains("penguinmails-infra: cancelled", await stderr, StringComparison.Ordinal);
        Assert.Single((await stderr).Trim().Split('\n'));
        Assert.Empty(await Db.TablesAsync(db, "public"));

        // The tool's session ends with the process; the server notices the closed socket a moment later. Only this
        // database counts: other tests run the tool at the same time on databases of their own.
        const string ToolSessions =
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'penguinmails-infra' AND datname = current_database()";
        var gone = Stopwatch.StartNew();
        while (await Db.ScalarAsync<long>(db, ToolSessions) != 0 && gone.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        Assert.Equal(0L, await Db.ScalarAsync<long>(db, ToolSessions));
    }
}
