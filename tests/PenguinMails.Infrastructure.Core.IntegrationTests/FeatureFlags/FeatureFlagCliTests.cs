using System.Diagnostics;
using Npgsql;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.FeatureFlags;

/// <summary><c>penguinmails-infra flags list|explain</c>, run as a separate process against a fresh database.</summary>
public sealed class FeatureFlagCliTests
{
    // A pinned vector of docs/feature-flags.md: bucket 85.
    private const string Subject = "9a6df4f7-7fde-0a55-f26e-bccca13ee972";

    [PostgresFact]
    public async Task Cli_FlagsListAndExplain_PrintFlagsBucketAndDecision()
    {
        var cs = await PostgresServer.CreateDatabaseAsync("cli_flags");
        await using (var db = NpgsqlDataSource.Create(cs))
        {
            await new PostgresMigrator(db, new MigratorOptions { CreateHostTables = true, Schema = "pm_flags" }).MigrateAsync();
            var repo = new NpgsqlFeatureFlagRepository(db, "pm_flags", TimeProvider.System);
            await repo.AddAsync(new FeatureFlag { Key = "new-dashboard", IsEnabled = true, RolloutPercentage = 85 });
            await repo.AddAsync(new FeatureFlag { Key = "dark-mode", IsEnabled = false, RolloutPercentage = 100 });
        }

        var env = new Dictionary<string, string> { ["PENGUINMAILS_CONNECTION"] = cs };
        var list = await RunCliAsync(["flags", "list", "--schema", "pm_flags"], env);
        var inRollout = await RunCliAsync(["flags", "explain", "--key", "new-dashboard", "--subject", Subject, "--schema", "pm_flags"], env);
        var disabled = await RunCliAsync(["flags", "explain", "--key=dark-mode", "--subject=" + Subject.ToUpperInvariant(), "--schema", "pm_flags", "--connection", cs]);
        var unknown = await RunCliAsync(["flags", "explain", "--key", "nope", "--subject", Subject, "--schema", "pm_flags"], env);
        var json = await RunCliAsync(["flags", "list", "--schema", "pm_flags", "--output", "json"], env);

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Matches(@"(?m)^dark-mode\s+disabled\s+100%", list.Stdout);
        Assert.Matches(@"(?m)^new-dashboard\s+enabled\s+85%", list.Stdout);
        Assert.Contains("2 flag(s)", list.Stdout, StringComparison.Ordinal);
        Assert.True(inRollout.ExitCode == 0, inRollout.ToString());
        Assert.Equal($"new-dashboard {Subject}: bucket 85, on: bucket 85 <= rollout 85", inRollout.Stdout.Trim());
        Assert.True(disabled.ExitCode == 0, disabled.ToString());
        Assert.Equal($"dark-mode {Subject}: bucket {RolloutBucket.Compute("dark-mode", Guid.Parse(Subject))}, off: disabled", disabled.Stdout.Trim());
        Assert.True(json.ExitCode == 0, json.ToString());
        using (var document = System.Text.Json.JsonDocument.Parse(json.Stdout))
        {
            var flags = document.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("key").GetString()!);
            Assert.Equal(2, flags.Count);
            Assert.True(flags["new-dashboard"].GetProperty("enabled").GetBoolean());
            Assert.Equal(85, flags["new-dashboard"].GetProperty("rollout_percentage").GetInt32());
            Assert.False(flags["dark-mode"].GetProperty("enabled").GetBoolean());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, flags["dark-mode"].GetProperty("updated_by").ValueKind);
        }

        Assert.True(unknown.ExitCode == 3, unknown.ToString());
        Assert.EndsWith("off: unknown flag", unknown.Stdout.Trim(), StringComparison.Ordinal);
        Assert.Contains("no flag 'nope' in schema pm_flags", unknown.Stderr, StringComparison.Ordinal);
        Assert.Single(unknown.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Cli_FlagsUsageErrors_ExitTwoWithOneLineReason()
    {
        var env = new Dictionary<string, string> { ["PENGUINMAILS_CONNECTION"] = "Host=localhost" };
        var noSub = await RunCliAsync(["flags"], env);
        var noSubject = await RunCliAsync(["flags", "explain", "--key", "a"], env);
        var badSubject = await RunCliAsync(["flags", "explain", "--key", "a", "--subject", "user-42"], env);
        var keyOnList = await RunCliAsync(["flags", "list", "--key", "a"], env);
        var noConnection = await RunCliAsync(["flags", "list"], new Dictionary<string, string> { ["PENGUINMAILS_CONNECTION"] = "" });

        Assert.All(new[] { noSub, noSubject, badSubject, keyOnList, noConnection }, r =>
        {
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Single(r.Stderr.Trim().Split('\n'));
        });
        Assert.Contains("--subject must be a GUID", badSubject.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("user-42", badSubject.Stderr, StringComparison.Ordinal);
    }

    private static async Task<CliResult> RunCliAsync(string[] args, Dictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo
        {
            FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(RepositoryLayout.Root, "src", "PenguinMails.Infrastructure.Cli", "bin", configuration, "net10.0", "PenguinMails.Infrastructure.Cli.dll");
        Assert.True(File.Exists(dll), $"The CLI is not built: {dll}");
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("PENGUINMAILS_CONNECTION");
        foreach (var (key, value) in env ?? [])
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private sealed record CliResult(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}; stdout: {Stdout}; stderr: {Stderr}";
    }
}
