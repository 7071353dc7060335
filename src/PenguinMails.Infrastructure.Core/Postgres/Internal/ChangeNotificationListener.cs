using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace PenguinMails.Infrastructure.Core.Postgres.Internal;

/// <summary>
/// Holds one connection (on the write route: a standby refuses LISTEN) that runs <c>LISTEN penguinmails_infra</c> and
/// dispatches each notification for this schema: <c>feature_flags</c> asks the <see cref="FeatureFlagRefreshService"/>
/// for a reload; <c>staff_members</c>, <c>staff_roles</c>, <c>permissions</c> or <c>staff_role_permissions</c>
/// invalidate the <see cref="CachedPermissionChecker"/>. After each (re)connect it does both, since notifications sent
/// while it was away are lost. Only the areas given (those whose <c>ListenForChanges</c> is on) are dispatched to; with
/// none, it holds no connection. A failure refreshes the host states (a promoted standby is found) and is retried after
/// 0.5 s, 1 s, 2 s, ... up to <see cref="ChangeNotificationOptions.MaxReconnectDelay"/> on the <see cref="TimeProvider"/>,
/// starting again from 0.5 s once a connection had been listening. On stop it runs <c>UNLISTEN *</c> before the
/// connection returns to the pool.
/// </summary>
internal sealed class ChangeNotificationListener : IHostedService, IAsyncDisposable
{
    internal const string Channel = "penguinmails_infra";

    /// <summary>The first delay before a reconnect; doubled per further failure up to <see cref="ChangeNotificationOptions.MaxReconnectDelay"/>.</summary>
    internal static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(500);

    private readonly Func<CancellationToken, ValueTask<NpgsqlConnection>>? _open;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly FeatureFlagRefreshService? _flags;
    private readonly CachedPermissionChecker? _permissions;
    private readonly TimeSpan _maxDelay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _flagPayload;
    private readonly HashSet<string> _staffPayloads;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <param name="dataSource">The data source whose write route LISTENs, or null for no connection (in-memory store).</param>
    /// <param name="schema">The schema of the tables; notifications name it.</param>
    /// <param name="flags">The flag refresher to ask for reloads, or null when <c>FeatureFlags.ListenForChanges</c> is off.</param>
    /// <param name="permissions">The permission cache to invalidate, or null when <c>PermissionCache.ListenForChanges</c> is off.</param>
    /// <param name="options">The reconnect policy.</param>
    /// <param name="timeProvider">Drives the reconnect delays.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="openConnection">Opens the connection (tests); null opens one from <paramref name="dataSource"/>.</param>
    public ChangeNotificationListener(
        NpgsqlDataSource? dataSource,
        string schema,
        FeatureFlagRefreshService? flags,
        CachedPermissionChecker? permissions,
        ChangeNotificationOptions options,
        TimeProvider timeProvider,
        ILogger<ChangeNotificationListener>? logger = null,
        Func<CancellationToken, ValueTask<NpgsqlConnection>>? openConnection = null
    )
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _flags = flags;
        _permissions = permissions;
        _maxDelay = options.MaxReconnectDelay;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _open = openConnection ?? (dataSource is null ? null : ct => dataSource.OpenConnectionAsync(ct));
        _flagPayload = schema + "." + FeatureFlag.TableName;
        _staffPayloads = new HashSet<string>(
            new[] { StaffMember.TableName, StaffRole.TableName, Permission.TableName, StaffRolePermission.TableName }.Select(t => schema + "." + t),
            StringComparer.Ordinal
        );
    }

    /// <summary>Whether a connection is listening now (tests and health).</summary>
    internal bool IsListening { get; private set; }

    /// <summary>Completes once the first LISTEN has been issued (tests wait on it).</summary>
    internal Task Listening => _listening.Task;

    /// <summary>Whether the listener holds a connection at all (some area listens, on PostgreSQL).</summary>
    internal bool Enabled => _open is not null && (_flags is not null || _permissions is not null);

    /// <summary>The first delays waited between failed attempts (tests; at most <see cref="MaxRecordedDelays"/> kept).</summary>
    internal List<TimeSpan> Delays { get; } = [];

    private const int MaxRecordedDelays = 32;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        var delay = FirstReconnectDelay;
        while (!stopping.IsCancellationRequested)
        {
            var listened = false;
            try
            {
                await ListenOnceAsync(() => listened = true, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                IsListening = false;

                // A connection that was listening dropped (a restart, a failover): start again from the shortest delay.
                if (listened)
                {
                    delay = FirstReconnectDelay;
                }

                if (_flags is not null)
                {
                    FeatureFlagLog.ListenFailed(_logger, delay, ex);
                }

                if (_permissions is not null)
                {
                    _permissions.Invalidate();
                    StaffLog.ListenerFailed(_logger, ex, delay);
                }

                // After a failover the write route must find the promoted standby: make Npgsql ask the hosts again.
                if (_dataSource is not null)
                {
                    DatabaseRoutes.RefreshHostStates(_dataSource);
                }

                if (Delays.Count < MaxRecordedDelays)
                {
                    Delays.Add(delay);
                }
                try
                {
                    await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _maxDelay.Ticks));
            }
        }

        if (_permissions is not null)
        {
            StaffLog.ListenerStopped(_logger);
        }
    }

    private async Task ListenOnceAsync(Action listened, CancellationToken stopping)
    {
        var connection = await _open!(stopping).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += OnNotification;
            try
            {
                var listen = new NpgsqlCommand("LISTEN " + Channel, connection);
                await using (listen.ConfigureAwait(false))
                {
                    await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                }

                IsListening = true;
                listened();

                // Anything committed before LISTEN took effect was not notified to this connection.
                _flags?.RequestRefresh();
                _permissions?.Invalidate();
                if (_flags is not null)
                {
                    FeatureFlagLog.Listening(_logger, Channel);
                }

                if (_permissions is not null)
                {
                    StaffLog.ListenerConnected(_logger);
                }

                _listening.TrySetResult();
                while (true)
                {
                    await connection.WaitAsync(stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                await UnlistenAsync(connection).ConfigureAwait(false);
                throw;
            }
            finally
            {
                IsListening = false;
                connection.Notification -= OnNotification;
            }
        }
    }

    private async Task UnlistenAsync(NpgsqlConnection connection)
    {
        // A pooled connection must not go back to the pool still listening.
        try
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
                await using var _ = unlisten.ConfigureAwait(false);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
                await unlisten.ExecuteNonQueryAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            FeatureFlagLog.UnlistenFailed(_logger, ex);
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (!string.Equals(e.Channel, Channel, StringComparison.Ordinal))
        {
            return;
        }

        if (_flags is not null && string.Equals(e.Payload, _flagPayload, StringComparison.Ordinal))
        {
            _flags.RequestRefresh();
        }
        else if (_permissions is not null && _staffPayloads.Contains(e.Payload))
        {
            _permissions.Invalidate();
        }
    }
}
