using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>The built <c>penguinmails-infra</c> dll, run as a separate process against a fresh database.</summary>
public sealed class CliTests
{
    [PostgresFact]
    public async Task Cli_MigrateThenStatus_ExitZeroAndDatabaseIsUpToDate()
    {
        var cs = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync("cli")) { Password = "not-a-real-secret-4711" }.ConnectionString;

        var migrate = await RunCliAsync(["migrate", "--create-host-tables", "--connection", cs]);
        var status = await RunCliAsync(["status", "--connection", cs]);

        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.Contains("applied 1, 2, 3, 4, 5, 6, 7", migrate.Stdout, StringComparison.Ordinal);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains($"version {SchemaMigrations.LatestVersion} of {SchemaMigrations.LatestVersion}, up to date", status.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-real-secret-4711", migrate.Stdout + migrate.Stderr + status.Stdout + status.Stderr, StringComparison.Ordinal);
        await using var db = NpgsqlDataSource.Create(cs);
        Assert.True((await Db.Migrator(db).VerifyAsync()).IsUpToDate);
    }

    [PostgresFact]
    public async Task Cli_ConnectionFromEnvironment_RollbackAndMissingHostTables()
    {
        var cs = await PostgresServer.CreateDatabaseAsync("cli_env");
        var env = new Dictionary<string, string> { ["PENGUINMAILS_CONNECTION"] = cs };

        var noHosts = await RunCliAsync(["migrate"], env);
        var migrate = await RunCliAsync(["migrate", "--to", "3", "--create-host-tables", "--schema", "pm_cli"], env);
        var rollback = await RunCliAsync(["rollback", "--to", "1", "--schema", "pm_cli", "--yes"], env);

        Assert.Equal(1, noHosts.ExitCode);
        Assert.Contains("users, tenants, domains", noHosts.Stderr, StringComparison.Ordinal);
        Assert.Single(noHosts.Stderr.Trim().Split('\n'));
        Assert.True(migrate.ExitCode == 0, migrate.ToString());
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Contains("rolled back 3, 2", rollback.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_UsageErrorsAndScript_ExitCodesAndOneLineReasons()
    {
        var unknown = await RunCliAsync(["frobnicate"]);
        var noConnection = await RunCliAsync(["status"], new Dictionary<string, string> { ["PENGUINMAILS_CONNECTION"] = "" });
        var badConnection = await RunCliAsync(["status", "--connection", "Password=hunter2-secret;Nonsense Key=1"]);
        var script = await RunCliAsync(["script", "--from", "6", "--schema", "pm_x"]);
        var rollbackWithoutTo = await RunCliAsync(["rollback", "--connection", "Host=localhost"]);

        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal(2, noConnection.ExitCode);
        Assert.Contains("PENGUINMAILS_CONNECTION", noConnection.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badConnection.ExitCode);
        Assert.DoesNotContain("hunter2-secret", badConnection.Stderr + badConnection.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, rollbackWithoutTo.ExitCode);
        Assert.Equal(0, script.ExitCode);
        Assert.Contains("INSERT INTO pm_x.permissions", script.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("-- Version 6:", script.Stdout, StringComparison.Ordinal);
        Assert.All(new[] { unknown, noConnection, badConnection, rollbackWithoutTo }, r => Assert.Single(r.Stderr.Trim().Split('\n')));
    }

    [Fact]
    public async Task Cli_UnreachableServerWithPassword_FailsWithoutEchoingThePassword()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var cs = $"Host=127.0.0.1;Port={port};Username=pm;Password=cli-Secret-5e1b9;Timeout=3";

        var status = await RunCliAsync(["status", "--connection", cs]);
        var migrate = await RunCliAsync(["migrate", "--connection", cs]);

        Assert.True(status.ExitCode == 4, status.ToString());
        Assert.True(migrate.ExitCode == 4, migrate.ToString());
        Assert.Contains($"cannot reach PostgreSQL at 127.0.0.1:{port}", status.Stderr, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", migrate.Stderr, StringComparison.Ordinal);
        Assert.Single(status.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("cli-Secret-5e1b9", status.Stdout + status.Stderr + migrate.Stdout + migrate.Stderr, StringComparison.Ordinal);
    }

    private static Task<CliProcess.CliResult> RunCliAsync(string[] args, Dictionary<string, string>? env = null) => CliProcess.RunAsync(args, env);
}
