using Npgsql;
using PenguinMails.Infrastructure.Core.IntegrationTests.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Samples;

/// <summary>The built sample, run as a separate process: twice on one PostgreSQL database, and with credentials that fail.</summary>
public sealed class SampleTests
{
    private static string SampleDll =>
        CliProcess.BuiltDll(
            Path.Combine("samples", "PenguinMails.Infrastructure.Sample"),
            "PenguinMails.Infrastructure.Sample"
        );

    [PostgresFact]
    public async Task Sample_TwiceOnOneDatabase_SecondRunSucceedsAndSaysWhatItReused()
    {
        var cs = await PostgresServer.CreateDatabaseAsync("sample_twice");

        var first = await CliProcess.RunDllAsync(SampleDll, ["--connection", cs]);
        var second = await CliProcess.RunDllAsync(SampleDll, ["--connection", cs]);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("version(s) applied now", first.Stdout, StringComparison.Ordinal);
        Assert.Contains(
            "first administrator: bootstrapped",
            first.Stdout,
            StringComparison.Ordinal
        );
        Assert.EndsWith("Done.", first.Stdout.TrimEnd(), StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("(already up to date)", second.Stdout, StringComparison.Ordinal);
        Assert.Contains(
            "first administrator: reused from an earlier run",
            second.Stdout,
            StringComparison.Ordinal
        );
        Assert.EndsWith(
            "Done. Reused from an earlier run: the migrated schema, the first administrator, the flag 'new-dashboard'.",
            second.Stdout.TrimEnd(),
            StringComparison.Ordinal
        );
        Assert.Equal("", first.Stderr + second.Stderr);

        // Readable at a glance: money with a currency and two decimals, names rather than ids.
        Assert.Matches(
            @"(?m)^acme\s+\d+\s+\d+\.\d\d USD\s+\d+\.\d\d USD\s+\d+\.\d\d USD$",
            second.Stdout
        );
        Assert.DoesNotMatch(
            @"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            first.Stdout + second.Stdout
        );
    }

    [PostgresFact]
    public async Task Sample_BadCredentials_OneLineErrorExitOne()
    {
        var cs = new NpgsqlConnectionStringBuilder(
            await PostgresServer.CreateDatabaseAsync("sample_auth")
        )
        {
            Username = "no_such_role",
            Password = "sample-Secret-19f0",
        };

        var run = await CliProcess.RunDllAsync(SampleDll, ["--connection", cs.ConnectionString]);

        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.StartsWith("sample: ", line, StringComparison.Ordinal);
        Assert.Contains("authentication failed", line, StringComparison.Ordinal);
        Assert.Contains("user 'no_such_role'", line, StringComparison.Ordinal);
        Assert.DoesNotContain(
            "sample-Secret-19f0",
            run.Stdout + run.Stderr,
            StringComparison.Ordinal
        );
    }
}
