using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace PenguinMails.Infrastructure.TestKit.Postgres;

/// <summary>
/// The PostgreSQL server of the test process. Uses <c>PENGUINMAILS_TEST_CONNECTION</c> when set; otherwise starts a
/// throwaway cluster once per process from the machine's binaries (<c>initdb</c>/<c>pg_ctl</c> on PATH or under
/// <c>/usr/lib/postgresql/*/bin</c>, newest; through <c>runuser -u postgres</c> when running as root), on a free
/// loopback port with trust authentication, and stops and deletes it when the process exits.
/// </summary>
/// <remarks>
/// Give each test class its own database with <see cref="CreateDatabaseAsync"/>. When no server can be had,
/// <see cref="SkipReason"/> says why (and <see cref="PostgresFactAttribute"/> skips), unless <c>CI</c> is set: then the
/// tests run and fail.
/// </remarks>
public static partial class PostgresServer
{
    /// <summary>The environment variable with an admin connection string of an existing server.</summary>
    public const string ConnectionVariable = "PENGUINMAILS_TEST_CONNECTION";

    private static readonly TimeSpan s_processTimeout = TimeSpan.FromSeconds(90);
    private static readonly Lazy<string?> s_skipReason = new(ComputeSkipReason);
    private static readonly Lazy<Task<Cluster>> s_cluster = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int s_databaseCounter;

    /// <summary>Why tests that need PostgreSQL are skipped here, or null when they run.</summary>
    public static string? SkipReason => s_skipReason.Value;

    /// <summary>The admin connection string (database <c>postgres</c>), starting the cluster when needed.</summary>
    /// <returns>The connection string (no password for the throwaway cluster).</returns>
    public static async Task<string> GetAdminConnectionStringAsync() =>
        (await s_cluster.Value.ConfigureAwait(false)).AdminConnectionString;

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    /// <param name="prefix">A prefix for the database name (letters, digits, underscores), for example the test class.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The connection string of the new database.</returns>
    public static async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var cluster = await s_cluster.Value.ConfigureAwait(false);
        var clean = NonIdentifierRegex().Replace(prefix.ToLowerInvariant(), "_");
        if (clean.Length > 40)
        {
            clean = clean[..40];
        }

        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"t_{clean}_{Environment.ProcessId}_{Interlocked.Increment(ref s_databaseCounter)}_{Random.Shared.Next(100000)}");
        await using (var command = cluster.Admin.CreateCommand($"CREATE DATABASE \"{name}\""))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(cluster.AdminConnectionString) { Database = name }.ConnectionString;
    }

    private static string? ComputeSkipReason() =>
        DecideSkipReason(
            hasConnectionVariable: !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ConnectionVariable)),
            hasBinaries: FindBinaries() is not null,
            needsRunuser: IsRoot,
            hasRunuser: FindOnPath("runuser", ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]) is not null,
            isCi: !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")));

    /// <summary>
    /// Why PostgreSQL tests are skipped, or null when they run: they run with a connection variable or usable
    /// binaries, and always on CI (where a missing server then fails them).
    /// </summary>
    /// <param name="hasConnectionVariable">Whether <see cref="ConnectionVariable"/> is set.</param>
    /// <param name="hasBinaries">Whether initdb and pg_ctl were found.</param>
    /// <param name="needsRunuser">Whether the process runs as root (initdb refuses root).</param>
    /// <param name="hasRunuser">Whether runuser was found.</param>
    /// <param name="isCi">Whether <c>CI</c> is set.</param>
    /// <returns>The reason, or null.</returns>
    public static string? DecideSkipReason(bool hasConnectionVariable, bool hasBinaries, bool needsRunuser, bool hasRunuser, bool isCi)
    {
        if (hasConnectionVariable || isCi)
        {
            return null;
        }

        if (!hasBinaries)
        {
            return $"no PostgreSQL server: {ConnectionVariable} is not set and initdb/pg_ctl were found neither on PATH nor under /usr/lib/postgresql/*/bin";
        }

        return needsRunuser && !hasRunuser
            ? "no PostgreSQL server: running as root and runuser was not found (initdb refuses root)"
            : null;
    }

    internal static bool IsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    private static async Task<Cluster> StartAsync()
    {
        var env = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            var external = new Cluster(env, NpgsqlDataSource.Create(env), null, null, null);
            await WaitUntilReadyAsync(external, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            return external;
        }

        var bin = FindBinaries()
            ?? throw new InvalidOperationException($"No PostgreSQL server for the tests: set {ConnectionVariable}, or install PostgreSQL (initdb and pg_ctl on PATH or under /usr/lib/postgresql/*/bin).");
        string? runuser = null;
        if (IsRoot)
        {
            runuser = FindOnPath("runuser", ["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
                ?? throw new InvalidOperationException("Running as root and runuser was not found; initdb refuses to run as root.");
        }

        var root = Path.Combine(Path.GetTempPath(), "penguinmails-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        if (runuser is not null)
        {
            Run("chown", ["postgres", root], null, TimeSpan.FromSeconds(30));
        }

        var data = Path.Combine(root, "data");
        var log = Path.Combine(root, "server.log");
        Run(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"], runuser, s_processTimeout);

        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort();
            var options = string.Create(
                CultureInfo.InvariantCulture,
                $"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");
            try
            {
                // LANGUAGE=de lets a session ask for German server messages (SET lc_messages = 'C.UTF-8'), which the test
                // that no translation depends on message text uses; with the cluster's lc_messages = C they stay English.
                Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start"], runuser, s_processTimeout, ServerEnvironment);
            }
            catch (InvalidOperationException ex)
            {
                last = new InvalidOperationException(ex.Message + " Server log: " + Tail(log), ex);
                continue;
            }

            var cs = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "postgres",
                Database = "postgres",
                IncludeErrorDetail = true,
                Timeout = 30,
            }.ConnectionString;
            var cluster = new Cluster(cs, NpgsqlDataSource.Create(cs), root, Path.Combine(bin, "pg_ctl"), runuser);
            StartWatchdog(root, Path.Combine(bin, "pg_ctl"), runuser);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
            await WaitUntilReadyAsync(cluster, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return cluster;
        }

        TryDelete(root);
        throw last ?? new InvalidOperationException("The throwaway PostgreSQL cluster did not start.");
    }

    /// <summary>
    /// A detached shell that waits for this process to end (however it ends: a test host is sometimes killed right
    /// after ProcessExit starts), then stops the cluster and deletes its folder. The work runs in a background
    /// subshell whose parent exits at once, so it is re-parented away from the test host and survives the test
    /// runner killing the host's process tree.
    /// </summary>
    internal static void StartWatchdog(string root, string pgCtl, string? runuser)
    {
        var stop = (runuser is null ? string.Empty : $"'{runuser}' -u postgres -- ") + $"'{pgCtl}' -D '{Path.Combine(root, "data")}' -m immediate -w -t 20 stop";
        var script = string.Create(
            CultureInfo.InvariantCulture,
            $"( exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId}; do sleep 1; done; {stop}; rm -rf '{root}' ) &");
        var psi = new ProcessStartInfo
        {
            FileName = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "/bin/sh",
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (psi.FileName != "/bin/sh")
        {
            psi.ArgumentList.Add("/bin/sh");
        }

        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        try
        {
            using var watchdog = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Without a watchdog, ProcessExit still stops the cluster; the folder may stay behind.
        }
    }

    private static async Task WaitUntilReadyAsync(Cluster cluster, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await using var command = cluster.Admin.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The newest folder holding both initdb and pg_ctl: PATH, then /usr/lib/postgresql/*/bin.</summary>
    internal static string? FindBinaries()
    {
        var candidates = new List<string>();
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            candidates.AddRange(Directory.GetDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(HasBinaries)
                .OrderByDescending(d => double.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0));
        }

        if (FindOnPath("initdb", []) is { } onPath && HasBinaries(Path.GetDirectoryName(onPath)!))
        {
            // A PATH entry is often a link into /usr/lib/postgresql/N/bin; prefer it only when it is not older.
            var resolved = Path.GetDirectoryName(new FileInfo(onPath).ResolveLinkTarget(true)?.FullName ?? onPath)!;
            if (!candidates.Contains(resolved))
            {
                candidates.Insert(0, resolved);
            }
        }

        return candidates.FirstOrDefault();
    }

    private static bool HasBinaries(string dir) =>
        File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

    internal static string? FindOnPath(string name, string[] extra)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(extra);
        return dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The environment the server is started with (see the start above).</summary>
    private static readonly KeyValuePair<string, string>[] ServerEnvironment = [new("LANGUAGE", "de")];

    internal static string Run(string file, IReadOnlyList<string> args, string? runAsPostgresWith, TimeSpan timeout, IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var psi = new ProcessStartInfo
        {
            FileName = runAsPostgresWith ?? file,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var (name, value) in environment ?? [])
        {
            psi.Environment[name] = value;
        }

        if (runAsPostgresWith is not null)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                psi.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            throw new InvalidOperationException($"{Path.GetFileName(file)} did not finish within {timeout.TotalSeconds}s. Output: {Snapshot(output)}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {Snapshot(output)}");
        }

        return Snapshot(output);
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString().Trim();
        }
    }

    internal static string Tail(string file)
    {
        try
        {
            var lines = File.ReadAllLines(file);
            return string.Join(" | ", lines.Skip(Math.Max(0, lines.Length - 15)));
        }
        catch (IOException)
        {
            return "(no log)";
        }
        catch (UnauthorizedAccessException)
        {
            return "(log not readable)";
        }
    }

    internal static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex("[^a-z0-9_]")]
    private static partial Regex NonIdentifierRegex();

    private sealed class Cluster(string adminConnectionString, NpgsqlDataSource admin, string? root, string? pgCtl, string? runuser)
    {
        private int _stopped;

        public string AdminConnectionString { get; } = adminConnectionString;

        public NpgsqlDataSource Admin { get; } = admin;

        public void Stop()
        {
            if (root is null || pgCtl is null || Interlocked.Exchange(ref _stopped, 1) == 1)
            {
                return;
            }

            try
            {
                NpgsqlConnection.ClearAllPools();
                Run(pgCtl, ["-D", Path.Combine(root, "data"), "-m", "immediate", "-w", "-t", "20", "stop"], runuser, TimeSpan.FromSeconds(30));
            }
            catch (InvalidOperationException)
            {
                // Best effort at process exit.
            }

            TryDelete(root);
        }
    }
}
