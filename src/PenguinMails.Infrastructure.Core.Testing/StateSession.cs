namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>Where an in-memory repository reads and writes: the committed tables, or a unit of work's private copy.</summary>
internal abstract class StateSession(InMemoryInfraStore store)
{
    public InMemoryInfraStore Store { get; } = store;

    public TimeProvider Time => Store.TimeProvider;

    public abstract StoreState Read();

    /// <summary>Applies <paramref name="change"/> atomically; when it throws, nothing is applied.</summary>
    public abstract Task<T> WriteAsync<T>(Func<StoreState, (StoreState State, T Result)> change, CancellationToken cancellationToken);
}

internal sealed class AutoCommitSession(InMemoryInfraStore store) : StateSession(store)
{
    public override StoreState Read() => Store.Committed;

    public override Task<T> WriteAsync<T>(Func<StoreState, (StoreState State, T Result)> change, CancellationToken cancellationToken) =>
        Store.WriteAsync(change, cancellationToken);
}

internal sealed class UnitOfWorkSession(InMemoryInfraStore store, StoreState start) : StateSession(store)
{
    private StoreState _state = start;
    private bool _ended;

    public StoreState State => _state;

    public override StoreState Read()
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        return _state;
    }

    public override Task<T> WriteAsync<T>(Func<StoreState, (StoreState State, T Result)> change, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        cancellationToken.ThrowIfCancellationRequested();
        var (state, result) = change(_state);
        _state = state;
        return Task.FromResult(result);
    }

    public void End() => _ended = true;
}
