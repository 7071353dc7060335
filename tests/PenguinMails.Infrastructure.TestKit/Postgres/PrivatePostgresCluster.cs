using System.Globalization;
using Npgsql;
using Xunit;

namespace PenguinMails.Infrastructure.TestKit.Postgres;

/// <summary>
/// A PostgreSQL cluster of one test alone, for faults that would disturb every other test on the shared server
/// (stopping and starting the server). Made like <see cref="PostgresServer"/>'s (initdb and pg_ctl from the machine's
/// binaries, through <c>runuser -u postgres</c> when running as root, trust authentication on a free loopback port),
/// and always removed: by <see cref="DisposeAsync"/>, and by a watchdog if the test process dies first.
/// </summary>
public sealed class PrivatePostgresCluster : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private readonly string _root;
    private readonly string _pgCtl;
    private readonly string? _runuser;
    private int _disposed;

    private PrivatePostgresCluster(string root, string pgCtl, string? runuser, int port)
    {
        _root = root;
        _pgCtl = pgCtl;
        _runuser = runuser;
        Port = port;
        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = "postgres",
            Timeout = 5,
            Pooling = false,
        }.ConnectionString;
    }

    /// <summary>Why a private cluster cannot be made here (no initdb/pg_ctl, or root without runuser), or null.</summary>
    public static string? SkipReason =>
        PostgresServer.FindBinaries() is null
            ? "no PostgreSQL binaries (initdb/pg_ctl) for a private cluster"
            : PostgresServer.IsRoot && PostgresServer.FindOnPath("runuser", ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]) is null
                ? "running as root and runuser was not found (initdb refuses root)"
                : null;

    /// <summary>The loopback port the cluster listens on (the same after a restart).</summary>
    public int Port { get; }

    /// <summary>A connection string to the <c>postgres</c> database, without pooling.</summary>
    public string AdminConnectionString { get; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "server.log");

    /// <summary>Creates and starts a cluster.</summary>
    /// <returns>The running cluster.</returns>
    public static async Task<PrivatePostgresCluster> StartNewAsync()
    {
        var bin = PostgresServer.FindBinaries() ?? throw new InvalidOperationException(SkipReason);
        string? runuser = null;
        if (PostgresServer.IsRoot)
        {
            runuser = PostgresServer.FindOnPath("runuser", ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]) ?? throw new InvalidOperationException(SkipReason);
        }

        var root = Path.Combine(Path.GetTempPath(), "penguinmails-private-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var pgCtl = Path.Combine(bin, "pg_ctl");
        PostgresServer.StartWatchdog(root, pgCtl, runuser);
        try
        {
            await Task.Run(() =>
            {
                if (runuser is not null)
                {
                    PostgresServer.Run("chown", ["postgres", root], null, TimeSpan.FromSeconds(30));
                }

                PostgresServer.Run(
                    Path.Combine(bin, "initdb"),
                    ["-D", Path.Combine(root, "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"],
                    runuser,
                    s_timeout);
            }).ConfigureAwait(false);
            var cluster = new PrivatePostgresCluster(root, pgCtl, runuser, PostgresServer.FreePort());
            await cluster.StartAsync().ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            PostgresServer.TryDelete(root);
            throw;
        }
    }

    /// <summary>Starts the (stopped) server again on the same port and waits until it answers.</summary>
    /// <returns>A task.</returns>
    public async Task StartAsync()
    {
        var options = string.Create(
            CultureInfo.InvariantCulture,
            $"-k {_root} -p {Port} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=100");
        await Task.Run(() => PostgresServer.Run(_pgCtl, ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", options, "start"], _runuser, s_timeout))
            .ConfigureAwait(false);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                var connection = new NpgsqlConnection(AdminConnectionString);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync().ConfigureAwait(false);
                    return;
                }
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c> by default: sessions are terminated, their transactions rolled back).</summary>
    /// <param name="mode"><c>smart</c>, <c>fast</c> or <c>immediate</c>.</param>
    /// <returns>A task.</returns>
    public Task StopAsync(string mode = "fast") =>
        Task.Run(() => PostgresServer.Run(_pgCtl, ["-D", DataDirectory, "-m", mode, "-w", "-t", "60", "stop"], _runuser, s_timeout));

    /// <summary>Creates a database and returns its connection string.</summary>
    /// <param name="name">The database name (letters, digits, underscores).</param>
    /// <returns>The connection string.</returns>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        Assert.Matches("^[a-z_][a-z0-9_]*$", name);
        var connection = new NpgsqlConnection(AdminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
#pragma warning disable CA2100 // The name is checked above.
            var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
#pragma warning restore CA2100
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, Timeout = 5 }.ConnectionString;
    }

    /// <summary>The last lines of the server log, for failure messages.</summary>
    /// <returns>The lines.</returns>
    public string LogTail() => PostgresServer.Tail(LogFile);

    /// <summary>Stops the server (immediate) and deletes its folder.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Task.Run(() =>
        {
            try
            {
                PostgresServer.Run(_pgCtl, ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], _runuser, s_timeout);
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }

            PostgresServer.TryDelete(_root);
        }).ConfigureAwait(false);
    }
}

/// <summary>A test that needs a <see cref="PrivatePostgresCluster"/>: skipped with the reason when none can be made, except on CI.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PrivatePostgresFactAttribute : FactAttribute
{
    /// <summary>Initializes a new instance.</summary>
    public PrivatePostgresFactAttribute()
    {
        if (PrivatePostgresCluster.SkipReason is { } reason && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = reason;
        }
    }
}
