using System.Globalization;
using Npgsql;

namespace PenguinMails.Infrastructure.TestKit.Postgres;

/// <summary>
/// A PostgreSQL primary and a streaming hot standby of one test class alone, made from the machine's binaries like
/// <see cref="PrivatePostgresCluster"/> (initdb, pg_ctl, through <c>runuser -u postgres</c> when running as root, trust
/// authentication on free loopback ports): the standby is a <c>pg_basebackup -R -X stream</c> copy of the primary, and the
/// primary then commits synchronously (<c>synchronous_standby_names = '*'</c>, <c>synchronous_commit = on</c>), so a write
/// the primary acknowledged is on the standby's disk. Both are stopped and deleted by <see cref="DisposeAsync"/>, and by a
/// watchdog each if the test process dies first.
/// </summary>
/// <remarks>
/// The synchronous setting lives only in the primary's <c>postgresql.auto.conf</c>, written after the base backup, so a
/// promoted standby commits alone (it has no standby of its own to wait for).
/// </remarks>
public sealed class PrimaryStandbyPair : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private readonly string _bin;
    private readonly string? _runuser;
    private readonly string _primaryRoot;
    private readonly string _standbyRoot;
    private int _disposed;

    private PrimaryStandbyPair(string bin, string? runuser, string primaryRoot, string standbyRoot, int primaryPort, int standbyPort)
    {
        _bin = bin;
        _runuser = runuser;
        _primaryRoot = primaryRoot;
        _standbyRoot = standbyRoot;
        PrimaryPort = primaryPort;
        StandbyPort = standbyPort;
    }

    /// <summary>Why a pair cannot be made here, or null (the reasons of <see cref="PrivatePostgresCluster.SkipReason"/>).</summary>
    public static string? SkipReason =>
        PrivatePostgresCluster.SkipReason
        ?? (PostgresServer.FindBinaries() is { } bin && !File.Exists(Path.Combine(bin, "pg_basebackup")) ? "pg_basebackup was not found next to initdb" : null);

    /// <summary>The primary's loopback port.</summary>
    public int PrimaryPort { get; }

    /// <summary>The standby's loopback port.</summary>
    public int StandbyPort { get; }

    /// <summary>Whether the standby has been promoted (it is then the only server that accepts writes).</summary>
    public bool Promoted { get; private set; }

    /// <summary>The database the pair's tests use (created on the primary, replicated to the standby).</summary>
    public const string Database = "pair";

    /// <summary>A connection string to <see cref="Database"/> on the primary alone, without pooling.</summary>
    public string PrimaryConnectionString => Single(PrimaryPort);

    /// <summary>A connection string to <see cref="Database"/> on the standby alone, without pooling.</summary>
    public string StandbyConnectionString => Single(StandbyPort);

    /// <summary>
    /// A multi-host connection string to <see cref="Database"/> listing the standby first, then the primary, with the
    /// default <c>Target Session Attributes</c> (<c>any</c>): a naive client lands on the standby.
    /// </summary>
    /// <param name="configure">Further settings, or null.</param>
    /// <returns>The connection string.</returns>
    public string StandbyFirstConnectionString(Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        var csb = new NpgsqlConnectionStringBuilder
        {
            Host = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{StandbyPort},127.0.0.1:{PrimaryPort}"),
            Username = "postgres",
            Database = Database,
            Timeout = 3,
            IncludeErrorDetail = true,
        };
        configure?.Invoke(csb);
        return csb.ConnectionString;
    }

    /// <summary>
    /// Starts a primary, takes a base backup, starts the standby from it, waits until the standby streams and has
    /// replayed the primary's position, then turns synchronous commit on and creates <see cref="Database"/>.
    /// </summary>
    /// <returns>The running pair.</returns>
    public static async Task<PrimaryStandbyPair> StartNewAsync()
    {
        var bin = PostgresServer.FindBinaries() ?? throw new InvalidOperationException(SkipReason);
        string? runuser = null;
        if (PostgresServer.IsRoot)
        {
            runuser = PostgresServer.FindOnPath("runuser", ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]) ?? throw new InvalidOperationException(SkipReason);
        }

        var id = Guid.NewGuid().ToString("N")[..12];
        var primaryRoot = Path.Combine(Path.GetTempPath(), "penguinmails-primary-" + id);
        var standbyRoot = Path.Combine(Path.GetTempPath(), "penguinmails-standby-" + id);
        Directory.CreateDirectory(primaryRoot);
        Directory.CreateDirectory(standbyRoot);
        var pgCtl = Path.Combine(bin, "pg_ctl");
        PostgresServer.StartWatchdog(primaryRoot, pgCtl, runuser);
        PostgresServer.StartWatchdog(standbyRoot, pgCtl, runuser);
        var pair = new PrimaryStandbyPair(bin, runuser, primaryRoot, standbyRoot, PostgresServer.FreePort(), PostgresServer.FreePort());
        try
        {
            await Task.Run(pair.Create).ConfigureAwait(false);
            await pair.WaitUntilAnswersAsync(pair.PrimaryPort, "postgres").ConfigureAwait(false);
            await pair.WaitUntilAnswersAsync(pair.StandbyPort, "postgres").ConfigureAwait(false);
            await pair.WaitForStreamingAsync().ConfigureAwait(false);
            await AdminAsync(
                    pair.PrimaryPort,
                    "ALTER SYSTEM SET synchronous_standby_names = '*'",
                    "ALTER SYSTEM SET synchronous_commit = 'on'",
                    "SELECT pg_reload_conf()")
                .ConfigureAwait(false);
            await pair.WaitForSynchronousAsync().ConfigureAwait(false);
            await AdminAsync(pair.PrimaryPort, $"CREATE DATABASE {Database}").ConfigureAwait(false);
            await pair.WaitForReplayAsync().ConfigureAwait(false);
            await pair.WaitUntilAnswersAsync(pair.StandbyPort, Database).ConfigureAwait(false);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Create()
    {
        if (_runuser is not null)
        {
            PostgresServer.Run("chown", ["postgres", _primaryRoot], null, TimeSpan.FromSeconds(30));
            PostgresServer.Run("chown", ["postgres", _standbyRoot], null, TimeSpan.FromSeconds(30));
        }

        // initdb's pg_hba.conf trusts replication connections from loopback.
        PostgresServer.Run(
            Path.Combine(_bin, "initdb"),
            ["-D", DataOf(_primaryRoot), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"],
            _runuser,
            s_timeout);
        Start(_primaryRoot, PrimaryPort);
        PostgresServer.Run(
            Path.Combine(_bin, "pg_basebackup"),
            [
                "-D", DataOf(_standbyRoot), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync",
                "-h", "127.0.0.1", "-p", PrimaryPort.ToString(CultureInfo.InvariantCulture), "-U", "postgres",
            ],
            _runuser,
            s_timeout);
        Start(_standbyRoot, StandbyPort);
    }

    private void Start(string root, int port)
    {
        // fsync is off (a throwaway cluster on a loaded machine); the servers are never crashed at the OS level, so the
        // acknowledged-write guarantee the tests check is the replication protocol's, which fsync does not affect.
        var options = string.Create(CultureInfo.InvariantCulture, $"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=100")
            + " -c hot_standby=on -c hot_standby_feedback=on -c wal_receiver_status_interval=1 -c max_wal_senders=5 -c wal_level=replica";
        PostgresServer.Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataOf(root), "-l", LogOf(root), "-w", "-t", "60", "-o", options, "start"], _runuser, s_timeout);
    }

    /// <summary>Stops the primary (<c>pg_ctl stop -m immediate</c> by default: no shutdown checkpoint, like a crash).</summary>
    /// <param name="mode"><c>smart</c>, <c>fast</c> or <c>immediate</c>.</param>
    /// <returns>A task.</returns>
    public Task StopPrimaryAsync(string mode = "immediate") =>
        Task.Run(() => PostgresServer.Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataOf(_primaryRoot), "-m", mode, "-w", "-t", "60", "stop"], _runuser, s_timeout));

    /// <summary>Promotes the standby (<c>pg_ctl promote -w</c>: returns once it accepts writes).</summary>
    /// <returns>A task.</returns>
    public async Task PromoteStandbyAsync()
    {
        await Task.Run(() => PostgresServer.Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataOf(_standbyRoot), "-w", "-t", "60", "promote"], _runuser, s_timeout))
            .ConfigureAwait(false);
        Promoted = true;
    }

    /// <summary>Pauses WAL replay on the standby: it keeps receiving (so synchronous commits still return) but shows old data.</summary>
    /// <returns>A task.</returns>
    public Task PauseReplayAsync() => AdminAsync(StandbyPort, "SELECT pg_wal_replay_pause()");

    /// <summary>Resumes WAL replay on the standby.</summary>
    /// <returns>A task.</returns>
    public Task ResumeReplayAsync() => AdminAsync(StandbyPort, "SELECT pg_wal_replay_resume()");

    /// <summary>Waits until the standby has replayed everything the primary has written so far.</summary>
    /// <returns>A task.</returns>
    public async Task WaitForReplayAsync()
    {
        var target = await ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>(PrimaryPort, "postgres", "SELECT pg_current_wal_lsn()").ConfigureAwait(false);
        await PollAsync(
                async () => await ScalarAsync<bool>(StandbyPort, "postgres", "SELECT pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn").ConfigureAwait(false),
                "the standby to replay " + target)
            .ConfigureAwait(false);
    }

    /// <summary>Runs a query returning one value on one server's <see cref="Database"/> (or another database).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="port">The server's port.</param>
    /// <param name="database">The database.</param>
    /// <param name="sql">The query (test text, constant).</param>
    /// <returns>The value.</returns>
    public static async Task<T> ScalarAsync<T>(int port, string database, string sql)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Single(port)) { Database = database }.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
#pragma warning disable CA2100 // Test-owned constant text.
            var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
            await using (command.ConfigureAwait(false))
            {
                return (T)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
            }
        }
    }

    /// <summary>The last lines of both servers' logs, for failure messages.</summary>
    /// <returns>The lines.</returns>
    public string LogTail() => "primary: " + PostgresServer.Tail(LogOf(_primaryRoot)) + " || standby: " + PostgresServer.Tail(LogOf(_standbyRoot));

    /// <summary>Stops both servers (immediate) and deletes their folders.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await Task.Run(() =>
        {
            foreach (var root in new[] { _standbyRoot, _primaryRoot })
            {
                try
                {
                    PostgresServer.Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataOf(root), "-m", "immediate", "-w", "-t", "30", "stop"], _runuser, s_timeout);
                }
                catch (InvalidOperationException)
                {
                    // Already stopped (or never started).
                }

                PostgresServer.TryDelete(root);
            }
        }).ConfigureAwait(false);
    }

    private static string DataOf(string root) => Path.Combine(root, "data");

    private static string LogOf(string root) => Path.Combine(root, "server.log");

    private static string Single(int port) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = Database,
            Timeout = 5,
            Pooling = false,
        }.ConnectionString;

    private static async Task AdminAsync(int port, params string[] statements)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Single(port)) { Database = "postgres" }.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            foreach (var sql in statements)
            {
#pragma warning disable CA2100 // Test-owned constant text.
                var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
                await using (command.ConfigureAwait(false))
                {
                    await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
            }
        }
    }

    private async Task WaitUntilAnswersAsync(int port, string database) =>
        await PollAsync(
                async () =>
                {
                    try
                    {
                        return await ScalarAsync<int>(port, database, "SELECT 1").ConfigureAwait(false) == 1;
                    }
                    catch (NpgsqlException)
                    {
                        return false;
                    }
                },
                $"the server on port {port} to answer")
            .ConfigureAwait(false);

    private Task WaitForStreamingAsync() =>
        PollAsync(
            async () => await ScalarAsync<long>(PrimaryPort, "postgres", "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").ConfigureAwait(false) == 1,
            "the standby to stream");

    private Task WaitForSynchronousAsync() =>
        PollAsync(
            async () => await ScalarAsync<long>(PrimaryPort, "postgres", "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'").ConfigureAwait(false) == 1,
            "the standby to become synchronous");

    private async Task PollAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}. {LogTail()}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }
}
