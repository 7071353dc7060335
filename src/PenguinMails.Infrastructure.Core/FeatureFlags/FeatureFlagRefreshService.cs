using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// Keeps <see cref="FeatureFlagSnapshotProvider"/> current: loads once the host has started (after the schema start-up
/// service), reloads every <see cref="FeatureFlagOptions.RefreshInterval"/>, and, given a way to open a connection,
/// holds one that runs <c>LISTEN penguinmails_infra</c> and reloads at once on a <c>&lt;schema&gt;.feature_flags</c>
/// notification, reconnecting with a doubling delay when it drops (and reloading after each reconnect, since
/// notifications sent meanwhile are lost).
/// </summary>
internal sealed class FeatureFlagRefreshService : IHostedLifecycleService, IAsyncDisposable
{
    internal const string Channel = "penguinmails_infra";

    private readonly FeatureFlagSnapshotProvider _provider;
    private readonly FeatureFlagOptions _options;
    private readonly Func<CancellationToken, ValueTask<NpgsqlConnection>>? _openListenConnection;
    private readonly string _payload;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _requests = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _refreshLoop;
    private Task? _listenLoop;
    private readonly bool _timerReadsStandby;

    /// <summary>The first delay before a LISTEN reconnect; doubled per further failure up to <see cref="FeatureFlagOptions.MaxReconnectDelay"/>.</summary>
    internal static readonly TimeSpan FirstReconnectDelay = TimeSpan.FromMilliseconds(500);

    /// <param name="provider">The snapshot to keep current.</param>
    /// <param name="options">Interval and LISTEN settings.</param>
    /// <param name="openListenConnection">Opens the connection that LISTENs, or null for polling only (in-memory store, or LISTEN off).</param>
    /// <param name="schema">The schema of <c>feature_flags</c>; notifications name it.</param>
    /// <param name="timeProvider">Drives the refresh interval and the reconnect delays.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timerReadsStandby">
    /// Whether the reloads run on the timer read a standby (read-your-writes); the first load, the reloads a notification
    /// or a reconnect asks for and the reloads after a local write always read the primary.
    /// </param>
    public FeatureFlagRefreshService(
        FeatureFlagSnapshotProvider provider,
        FeatureFlagOptions options,
        Func<CancellationToken, ValueTask<NpgsqlConnection>>? openListenConnection,
        string schema,
        TimeProvider timeProvider,
        ILogger<FeatureFlagRefreshService>? logger,
        bool timerReadsStandby = false)
    {
        _timerReadsStandby = timerReadsStandby;
        _provider = provider;
        _options = options;
        _openListenConnection = openListenConnection;
        _payload = schema + "." + FeatureFlag.TableName;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Whether the LISTEN connection is currently established (for tests and health).</summary>
    internal bool IsListening { get; private set; }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _provider.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Every flag stays off until a later reload succeeds; the loop below keeps trying.
            FeatureFlagLog.RefreshFailed(_logger, ex);
        }

        _refreshLoop = Task.Run(() => RefreshLoopAsync(_stopping.Token), CancellationToken.None);
        if (_openListenConnection is not null)
        {
            _listenLoop = Task.Run(() => ListenLoopAsync(_stopping.Token), CancellationToken.None);
        }
        else
        {
            FeatureFlagLog.ListenDisabled(_logger, _options.RefreshInterval);
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        var loops = new[] { _refreshLoop, _listenLoop }.OfType<Task>().ToArray();
        await Task.WhenAll(loops).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Asks for a reload as soon as possible (coalesced with any pending request).</summary>
    internal void RequestRefresh() => _requests.Writer.TryWrite(true);

    private async Task RefreshLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                var delay = Task.Delay(_options.RefreshInterval, _time, wait.Token);
                var request = _requests.Reader.WaitToReadAsync(wait.Token).AsTask();
                await Task.WhenAny(delay, request).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(delay, request).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            // A requested reload (a notification, a reconnect) must see the change that caused it: the primary. A reload
            // on the timer alone may read a standby, never older than the primary was when it started.
            var requested = _requests.Reader.TryRead(out _);
            try
            {
                await _provider.ReloadAsync(fromStandby: _timerReadsStandby && !requested, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                FeatureFlagLog.RefreshFailed(_logger, ex);
            }
        }
    }

    private async Task ListenLoopAsync(CancellationToken stopping)
    {
        var delay = FirstReconnectDelay;
        while (!stopping.IsCancellationRequested)
        {
            _listened = false;
            try
            {
                await ListenOnceAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                IsListening = false;

                // A connection that was listening dropped (a restart, a failover): start again from the shortest delay,
                // so the listener is back soon after the server (or the promoted standby) is.
                if (_listened)
                {
                    delay = FirstReconnectDelay;
                }

                FeatureFlagLog.ListenFailed(_logger, delay, ex);
                try
                {
                    await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                continue;
            }

            delay = FirstReconnectDelay;
        }
    }

    private bool _listened;

    private async Task ListenOnceAsync(CancellationToken stopping)
    {
        var connection = await _openListenConnection!(stopping).ConfigureAwait(false);
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
                _listened = true;
                FeatureFlagLog.Listening(_logger, Channel);

                // Changes made while no connection listened were not announced: reload once now.
                RequestRefresh();
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
        if (string.Equals(e.Payload, _payload, StringComparison.Ordinal))
        {
            RequestRefresh();
        }
    }
}
