using System.Diagnostics;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>Runs the built <c>penguinmails-infra</c> dll (or another built app of the repository) as a separate process.</summary>
internal static class CliProcess
{
    public static Task<CliResult> RunAsync(string[] args, Dictionary<string, string>? env = null) =>
        RunDllAsync(
            BuiltDll(
                Path.Combine("src", "PenguinMails.Infrastructure.Cli"),
                "PenguinMails.Infrastructure.Cli"
            ),
            args,
            env
        );

    public static async Task<CliResult> RunDllAsync(
        string dll,
        string[] args,
        Dictionary<string, string>? env = null
    )
    {
        using var process = Start(dll, args, env);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the built <c>penguinmails-infra</c> dll and returns the running process (the caller reads its output).</summary>
    public static Process StartCli(string[] args, Dictionary<string, string>? env = null) =>
        Start(
            BuiltDll(
                Path.Combine("src", "PenguinMails.Infrastructure.Cli"),
                "PenguinMails.Infrastructure.Cli"
            ),
            args,
            env
        );

    private static Process Start(string dll, string[] args, Dictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo
        {
            FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH")
                is { Length: > 0 } host
                ? host
                : "dotnet",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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

        return Process.Start(psi)!;
    }

    /// <summary>The dll of a project of the repository, built in this test assembly's configuration (a project reference builds it first).</summary>
    public static string BuiltDll(string projectDirectory, string assemblyName)
    {
        var configuration = new DirectoryInfo(
            AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)
        )
            .Parent!
            .Name;
        var dll = Path.Combine(
            RepositoryLayout.Root,
            projectDirectory,
            "bin",
            configuration,
            "net10.0",
            assemblyName + ".dll"
        );
        Assert.True(File.Exists(dll), $"Not built: {dll}");
        return dll;
    }

    internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}; stdout: {Stdout}; stderr: {Stderr}";
    }
}
