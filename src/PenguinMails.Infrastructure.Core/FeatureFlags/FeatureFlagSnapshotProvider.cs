using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PenguinMails.Infrastructure.Core.Replicas;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// Holds the current <see cref="FeatureFlagSnapshot"/> and replaces it: a full reload from the repository
/// (<see cref="RefreshAsync"/>, called at start, on every refresh interval and on a change notification) or one flag
/// written through <see cref="FeatureFlagManager"/> in this process. Reads of <see cref="Current"/> are lock-free.
/// </summary>
/// <remarks>
/// Updates are serialized, so a reload that started before a write can never overwrite that write. Over the in-memory
/// store the snapshot follows the store itself: <see cref="Current"/> re-reads the flags (no I/O) whenever they changed,
/// so no load, refresh or hosted service is needed. Over a PostgreSQL repository registered by
/// <c>AddPenguinMailsInfra</c>, a write through that registration's repositories or units of work reloads the snapshot
/// before the write's call returns; changes from other processes arrive by notification or on the refresh interval.
/// </remarks>
public sealed class FeatureFlagSnapshotProvider : IDisposable
{
    private readonly IFeatureFlagRepository _repository;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _followLock = new();
    private readonly InfraChangeFeed? _feed;
    private volatile FeatureFlagSnapshot _current = FeatureFlagSnapshot.Empty;
    private long _version;
    private long _followedVersion = -1;

    /// <summary>Initializes a provider with an empty snapshot; call <see cref="RefreshAsync"/> to load it.</summary>
    /// <param name="repository">Where the flags are read.</param>
    /// <param name="timeProvider">The clock stamping <see cref="FeatureFlagSnapshot.LoadedAt"/>.</param>
    /// <param name="logger">The logger, or null for none.</param>
    public FeatureFlagSnapshotProvider(IFeatureFlagRepository repository, TimeProvider timeProvider, ILogger<FeatureFlagSnapshotProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _repository = repository;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _feed = (repository as IChangeFeedSource)?.ChangeFeed;
    }

    /// <summary>
    /// The current snapshot: empty until the first load, except over the in-memory store, where it is always the
    /// store's committed flags.
    /// </summary>
    public FeatureFlagSnapshot Current
    {
        get
        {
            var feed = _feed;
            return feed?.SynchronousFlags is { } read && feed.FlagsVersion != Volatile.Read(ref _followedVersion) ? Follow(feed, read) : _current;
        }
    }

    /// <summary>How many times the snapshot has been replaced; grows by one per replacement.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Raised after the snapshot was replaced, with the new one. Handlers must not throw or block.</summary>
    public event EventHandler<FeatureFlagSnapshot>? SnapshotChanged;

    /// <summary>Reads every flag and makes them the current snapshot.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new snapshot.</returns>
    /// <remarks>On a multi-host PostgreSQL data source the flags are read from the primary.</remarks>
    public Task<FeatureFlagSnapshot> RefreshAsync(CancellationToken cancellationToken = default) => ReloadAsync(fromStandby: false, cancellationToken);

    /// <summary>
    /// Reads every flag, from the primary, or with <paramref name="fromStandby"/> from a standby that has replayed the
    /// primary's position as of the start of the read (read-your-writes; else the primary). Reloads are serialized, so a
    /// standby reload never publishes flags older than a reload published before it.
    /// </summary>
    internal async Task<FeatureFlagSnapshot> ReloadAsync(bool fromStandby, CancellationToken cancellationToken)
    {
        if (_feed?.SynchronousFlags is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Current;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var route = fromStandby ? ReadRoute.PreferStandby(ReadConsistency.ReadYourWrites) : ReadRoute.Primary();
            var flags = await _repository.ListAllAsync(cancellationToken).ConfigureAwait(false);
            var snapshot = FeatureFlagSnapshot.Create(flags, _time.GetUtcNow());
            Publish(snapshot);
            FeatureFlagLog.SnapshotLoaded(_logger, snapshot.Count);
            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Puts one flag, as just stored, into the current snapshot (a write made in this process).</summary>
    /// <remarks>Not cancellable: the write has happened, and this process must see it.</remarks>
    internal async Task ApplyAsync(FeatureFlag stored)
    {
        if (_feed?.SynchronousFlags is not null)
        {
            _ = Current; // the store already holds the write
            return;
        }

        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            Publish(_current.With(stored, _time.GetUtcNow()));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    // In memory: re-read the committed flags. The version is read before the flags, so a commit in between leaves the
    // snapshot marked behind and the next read follows again.
    private FeatureFlagSnapshot Follow(InfraChangeFeed feed, Func<IReadOnlyList<FeatureFlag>> read)
    {
        lock (_followLock)
        {
            var version = feed.FlagsVersion;
            if (version == Volatile.Read(ref _followedVersion))
            {
                return _current;
            }

            var snapshot = FeatureFlagSnapshot.Create(read(), _time.GetUtcNow());
            Publish(snapshot);
            Volatile.Write(ref _followedVersion, version);
            FeatureFlagLog.SnapshotLoaded(_logger, snapshot.Count);
            return snapshot;
        }
    }

    // PostgreSQL: a write through this registration's repositories committed; reload before the write returns. A failed
    // reload is logged and leaves the refresh loop and notifications to catch up: the write itself has succeeded.
    internal async Task ReloadAfterLocalWriteAsync()
    {
        try
        {
            await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PenguinMailsException or Npgsql.NpgsqlException or TimeoutException)
        {
            FeatureFlagLog.RefreshFailed(_logger, ex);
        }
    }

    private void Publish(FeatureFlagSnapshot snapshot)
    {
        _current = snapshot;
        Interlocked.Increment(ref _version);
        SnapshotChanged?.Invoke(this, snapshot);
    }
}
