using PenguinMails.Infrastructure.Core.Internal;
namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>Where an in-memory repository reads and writes: the committed tables, or a unit of work's private copy.</summary>
internal abstract class StateSession(InMemoryInfraStore store)
{
    public InMemoryInfraStore Store { get; } = store;

    public TimeProvider Time => Store.TimeProvider;

    public abstract StoreState Read();

    /// <summary>
    /// The checks at the start of every operation, in PostgreSQL's order: first the state of the unit of work (ended or
    /// aborted: <see cref="UnitOfWorkAbortedException"/>), then the token (<see cref="OperationCanceledException"/>).
    /// </summary>
    public void Enter(CancellationToken cancellationToken)
    {
        _ = Read();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The row of <paramref name="table"/> under <paramref name="key"/>, or null: a get by primary key.</summary>
    public async Task<TRow?> GetAsync<TKey, TRow>(TableDef<TKey, TRow> table, TKey key, CancellationToken cancellationToken)
        where TKey : notnull
        where TRow : class
    {
        Enter(cancellationToken);
        return Read().Table(table).GetValueOrDefault(key);
    }

    /// <summary>Removes the row of <paramref name="table"/> under <paramref name="key"/>; false when there was none.</summary>
    public async Task<bool> DeleteAsync<TKey, TRow>(TableDef<TKey, TRow> table, TKey key, CancellationToken cancellationToken)
        where TKey : notnull =>
        await WriteAsync(
            state =>
            {
                var rows = state.Table(table);
                return rows.ContainsKey(key) ? (state.With(table, rows.Remove(key)), true) : (state, false);
            },
            cancellationToken
        ).ConfigureAwait(false);

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

    /// <summary>Whether an operation failed as PostgreSQL would fail it in the database, aborting the transaction.</summary>
    public bool Aborted { get; private set; }

    public override StoreState Read()
    {
        EnsureUsable();
        return _state;
    }

    public override async Task<T> WriteAsync<T>(Func<StoreState, (StoreState State, T Result)> change, CancellationToken cancellationToken)
    {
        EnsureUsable();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var (state, result) = change(_state);
            _state = state;
            return result;
        }
        catch (Exception ex) when (ex is DuplicateEntityException or ReferencedEntityMissingException or EntityInUseException)
        {
            // PostgreSQL aborts the transaction on a constraint violation; so does the in-memory unit.
            Aborted = true;
            throw;
        }
    }

    private void EnsureUsable()
    {
        if (_ended)
        {
            throw new UnitOfWorkAbortedException(UnitOfWorkReasons.Ended);
        }

        if (Aborted)
        {
            throw new UnitOfWorkAbortedException(UnitOfWorkReasons.EarlierFailure);
        }
    }

    public void End() => _ended = true;
}
