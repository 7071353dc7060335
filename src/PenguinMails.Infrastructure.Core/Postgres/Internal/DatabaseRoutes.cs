using System.Diagnostics;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using PenguinMails.Infrastructure.Core.Replicas;

namespace PenguinMails.Infrastructure.Core.Postgres.Internal;

/// <summary>
/// Where the package's connections go on a multi-host data source, by declared intent (never by the statement's text):
/// the write route (<see cref="TargetSessionAttributes.Primary"/>) for everything, and a standby route
/// (<see cref="TargetSessionAttributes.PreferStandby"/>) for the reads declared safe to be stale. On a single-host data
/// source both routes are the data source itself. Also refreshes Npgsql's cached host states after a failover error.
/// </summary>
internal static class DatabaseRoutes
{
    /// <summary>The least time between two host-state refreshes of one multi-host data source.</summary>
    internal static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    private static readonly ConditionalWeakTable<NpgsqlDataSource, HostStates> s_hostStates = [];

    /// <summary>The write route of <paramref name="dataSource"/>: the primary of a multi-host data source, else itself.</summary>
    public static NpgsqlDataSource Primary(NpgsqlDataSource dataSource) => Route(dataSource, TargetSessionAttributes.Primary);

    /// <summary>The standby route of <paramref name="dataSource"/> (a standby when one is up, else the primary), else itself.</summary>
    public static NpgsqlDataSource PreferStandby(NpgsqlDataSource dataSource) => Route(dataSource, TargetSessionAttributes.PreferStandby);

    /// <summary>
    /// Whether <paramref name="dataSource"/> lists several hosts without being an <see cref="NpgsqlMultiHostDataSource"/>:
    /// a wrapper made by <c>WithTargetSession</c>, whose target the package cannot change, so its writes could land on a
    /// standby.
    /// </summary>
    public static bool IsFixedTargetMultiHost(NpgsqlDataSource dataSource) =>
        dataSource is not NpgsqlMultiHostDataSource
        && !s_hostStates.TryGetValue(dataSource, out _)
        && new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Host?.Contains(',', StringComparison.Ordinal) == true;

    /// <summary>
    /// Makes Npgsql forget what it knows of the hosts of the multi-host data source behind <paramref name="route"/>
    /// (primary, standby, offline), so that the next connection asks each host again, at most once per
    /// <see cref="RefreshInterval"/>; nothing for a single-host data source. Npgsql otherwise trusts a host's state for
    /// <c>Host Recheck Seconds</c> (10 s by default), and a promoted standby stays "a standby" to it for that long.
    /// </summary>
    public static void RefreshHostStates(NpgsqlDataSource route)
    {
        if (s_hostStates.TryGetValue(route, out var states))
        {
            states.Refresh();
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/> says the write route reached no primary: Npgsql found no suitable host, or a
    /// server answered that it is read-only (SQLSTATE 25006, a standby or a demoted primary).
    /// </summary>
    public static bool IsNoPrimary(Exception exception) =>
        exception switch
        {
            PostgresException pg => pg.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction,
            NpgsqlException npgsql => IsNoSuitableHost(npgsql),
            _ => false,
        };

    /// <summary>Npgsql's multi-host "No suitable host was found." and "Unable to connect to a suitable host." errors.</summary>
    public static bool IsNoSuitableHost(NpgsqlException exception) =>
        exception is not PostgresException
        && (exception.Message.StartsWith("No suitable host", StringComparison.Ordinal)
            || exception.Message.StartsWith("Unable to connect to a suitable host", StringComparison.Ordinal));

    private static NpgsqlDataSource Route(NpgsqlDataSource dataSource, TargetSessionAttributes target)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (dataSource is not NpgsqlMultiHostDataSource multiHost)
        {
            return dataSource;
        }

        var route = multiHost.WithTargetSession(target); // Npgsql keeps one wrapper per target
        var states = s_hostStates.GetValue(multiHost, static m => new HostStates((NpgsqlMultiHostDataSource)m));
        s_hostStates.AddOrUpdate(route, states);
        return route;
    }

    private sealed class HostStates(NpgsqlMultiHostDataSource dataSource)
    {
        private long _last = long.MinValue;

        public void Refresh()
        {
            var now = Stopwatch.GetTimestamp();
            var last = Interlocked.Read(ref _last);
            if (last != long.MinValue && Stopwatch.GetElapsedTime(last, now) < RefreshInterval)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _last, now, last) != last)
            {
                return; // another caller refreshes
            }

            try
            {
                dataSource.ClearDatabaseStates();
            }
            catch (ObjectDisposedException)
            {
                // The application is shutting down; nothing to refresh.
            }
        }
    }
}

/// <summary>
/// Opens the connections of the reads declared safe to be stale on a multi-host data source: on the standby route, and
/// for <see cref="ReadConsistency.ReadYourWrites"/> only once the standby has replayed the primary's current WAL
/// position (polled up to the timeout), else on the primary.
/// </summary>
internal sealed class StandbyReads
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(5);
    private readonly TimeProvider _time;

    public StandbyReads(NpgsqlMultiHostDataSource dataSource, TimeSpan readYourWritesTimeout, TimeProvider? timeProvider = null)
    {
        Primary = DatabaseRoutes.Primary(dataSource);
        Standby = DatabaseRoutes.PreferStandby(dataSource);
        ReadYourWritesTimeout = readYourWritesTimeout;
        _time = timeProvider ?? TimeProvider.System;
    }

    public NpgsqlDataSource Primary { get; }

    public NpgsqlDataSource Standby { get; }

    public TimeSpan ReadYourWritesTimeout { get; }

    /// <summary>The standby reads of a data source, or null for a single-host one (whose reads all go to its one server).</summary>
    public static StandbyReads? For(NpgsqlDataSource dataSource, TimeSpan? readYourWritesTimeout = null, TimeProvider? timeProvider = null) =>
        dataSource is NpgsqlMultiHostDataSource multiHost ? new StandbyReads(multiHost, readYourWritesTimeout ?? TimeSpan.FromSeconds(1), timeProvider) : null;

    /// <summary>Opens the connection a read with <paramref name="consistency"/> runs on.</summary>
    public async ValueTask<NpgsqlConnection> OpenAsync(ReadConsistency consistency, CancellationToken cancellationToken)
    {
        if (consistency == ReadConsistency.Stale)
        {
            return await Standby.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        NpgsqlLogSequenceNumber target;
        var primary = await Primary.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (primary.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand("SELECT pg_current_wal_lsn()", primary);
            await using (command.ConfigureAwait(false))
            {
                target = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
        }

        var standby = await Standby.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = _time.GetTimestamp();
            var check = new NpgsqlCommand("SELECT pg_is_in_recovery(), COALESCE(pg_last_wal_replay_lsn() >= $1, false)", standby);
            await using (check.ConfigureAwait(false))
            {
                check.Parameters.Add(new NpgsqlParameter<NpgsqlLogSequenceNumber> { TypedValue = target, NpgsqlDbType = NpgsqlDbType.PgLsn });
                while (true)
                {
                    bool inRecovery;
                    bool caughtUp;
                    var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                        inRecovery = reader.GetBoolean(0);
                        caughtUp = reader.GetBoolean(1);
                    }

                    if (!inRecovery || caughtUp)
                    {
                        return standby; // caught up, or no standby was up and the route reached the primary
                    }

                    if (_time.GetElapsedTime(started) >= ReadYourWritesTimeout)
                    {
                        break;
                    }

                    await Task.Delay(s_poll, _time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            await standby.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await standby.DisposeAsync().ConfigureAwait(false);
        return await Primary.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }
}
