using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// Holds the current <see cref="FeatureFlagSnapshot"/> and replaces it: a full reload from the repository
/// (<see cref="RefreshAsync"/>, called at start, on every refresh interval and on a change notification) or one flag
/// written through <see cref="FeatureFlagManager"/> in this process. Reads of <see cref="Current"/> are lock-free.
/// </summary>
/// <remarks>Updates are serialized, so a reload that started before a write can never overwrite that write.</remarks>
public sealed class FeatureFlagSnapshotProvider : IDisposable
{
    private readonly IFeatureFlagRepository _repository;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile FeatureFlagSnapshot _current = FeatureFlagSnapshot.Empty;
    private long _version;

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
    }

    /// <summary>The current snapshot (empty until the first load).</summary>
    public FeatureFlagSnapshot Current => _current;

    /// <summary>How many times the snapshot has been replaced; grows by one per replacement.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Raised after the snapshot was replaced, with the new one. Handlers must not throw or block.</summary>
    public event EventHandler<FeatureFlagSnapshot>? SnapshotChanged;

    /// <summary>Reads every flag and makes them the current snapshot.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The new snapshot.</returns>
    public async Task<FeatureFlagSnapshot> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
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

    private void Publish(FeatureFlagSnapshot snapshot)
    {
        _current = snapshot;
        Interlocked.Increment(ref _version);
        SnapshotChanged?.Invoke(this, snapshot);
    }
}
