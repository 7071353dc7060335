using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// Keeps <see cref="FeatureFlagSnapshotProvider"/> current: loads once the host has started (after the schema start-up
/// service), reloads every <see cref="FeatureFlagOptions.RefreshInterval"/>, and at once when <see cref="RequestRefresh"/>
/// is called (by the change-notification listener on a <c>&lt;schema&gt;.feature_flags</c> notification and after each
/// reconnect, since notifications sent meanwhile are lost).
/// </summary>
internal sealed class FeatureFlagRefreshService : IHostedLifecycleService, IAsyncDisposable
{
    private readonly FeatureFlagSnapshotProvider _provider;
    private readonly FeatureFlagOptions _options;
    private readonly bool _notified;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<bool> _requests = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private Task? _refreshLoop;
    private readonly bool _timerReadsStandby;

    /// <param name="provider">The snapshot to keep current.</param>
    /// <param name="options">Interval settings.</param>
    /// <param name="notified">Whether a change-notification listener asks for reloads (false: polling only, logged once).</param>
    /// <param name="timeProvider">Drives the refresh interval.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timerReadsStandby">
    /// Whether the reloads run on the timer read a standby (read-your-writes); the first load, the reloads a notification
    /// or a reconnect asks for and the reloads after a local write always read the primary.
    /// </param>
    public FeatureFlagRefreshService(
        FeatureFlagSnapshotProvider provider,
        FeatureFlagOptions options,
        bool notified,
        TimeProvider timeProvider,
        ILogger<FeatureFlagRefreshService>? logger,
        bool timerReadsStandby = false)
    {
        _timerReadsStandby = timerReadsStandby;
        _provider = provider;
        _options = options;
        _notified = notified;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

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
        if (!_notified)
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

        if (_refreshLoop is not null)
        {
            await _refreshLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
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
}
