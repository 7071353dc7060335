using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PenguinMails.Infrastructure.Core.Staff;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>
/// When given a data source, holds one connection with <c>LISTEN penguinmails_infra</c> (migration 9 notifies after every statement that changes a
/// staff table) and invalidates the <see cref="CachedPermissionChecker"/> on each notification for this schema's
/// <c>staff_members</c>, <c>staff_roles</c>, <c>permissions</c> or <c>staff_role_permissions</c>. It also invalidates
/// whenever it (re)connects, since notifications sent while it was away are lost. A failure is logged (event 6121) and
/// retried after <see cref="PermissionCacheOptions.ListenReconnectDelay"/>; the time-to-live bounds staleness meanwhile.
/// </summary>
internal sealed class PermissionChangeListener : BackgroundService
{
    internal const string Channel = "penguinmails_infra";

    private readonly NpgsqlDataSource? _dataSource;
    private readonly CachedPermissionChecker _checker;
    private readonly TimeSpan _reconnectDelay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HashSet<string> _payloads;
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PermissionChangeListener(
        NpgsqlDataSource? dataSource,
        string schema,
        CachedPermissionChecker checker,
        PermissionCacheOptions options,
        TimeProvider timeProvider,
        ILogger<PermissionChangeListener>? logger = null
    )
    {
        _time = timeProvider;
        _dataSource = dataSource;
        _checker = checker;
        _reconnectDelay = options.ListenReconnectDelay;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _payloads = new HashSet<string>(
            new[] { StaffMember.TableName, StaffRole.TableName, Permission.TableName, StaffRolePermission.TableName }.Select(t => schema + "." + t),
            StringComparer.Ordinal
        );
    }

    /// <summary>Completes once the first LISTEN has been issued (tests wait on it).</summary>
    internal Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_dataSource is null)
        {
            return; // in-memory store, or ListenForChanges off: the time-to-live alone bounds staleness
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
            {
                _checker.Invalidate();
                StaffLog.ListenerFailed(_logger, ex, _reconnectDelay);

                // After a failover the write route must find the promoted standby: make Npgsql ask the hosts again.
                DatabaseRoutes.RefreshHostStates(_dataSource);
                try
                {
                    await Task.Delay(_reconnectDelay, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        StaffLog.ListenerStopped(_logger);
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var connection = await _dataSource!.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            connection.Notification += OnNotification;
            var listen = new NpgsqlCommand("LISTEN " + Channel, connection);
            await using (listen.ConfigureAwait(false))
            {
                await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
            }

            // Anything committed before LISTEN took effect was not notified to this connection.
            _checker.Invalidate();
            StaffLog.ListenerConnected(_logger);
            _listening.TrySetResult();
            while (true)
            {
                await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (string.Equals(e.Channel, Channel, StringComparison.Ordinal) && _payloads.Contains(e.Payload))
        {
            _checker.Invalidate();
        }
    }
}
