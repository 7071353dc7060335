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

/// <summary>
/// A unit of work's view: read committed, as in PostgreSQL. Tables of a group the unit has not written read the newest
/// committed version; the unit's first write to a group takes that group's lock (waiting for another unit that holds
/// it, as PostgreSQL waits for row locks), and from then on the unit reads and writes its private copy of the group's
/// tables, which becomes the committed one on commit and is dropped on rollback.
/// </summary>
internal sealed class UnitOfWorkSession(InMemoryInfraStore store) : StateSession(store)
{
    // The unit's private versions of the tables of the groups it holds (the other tables in it are not read).
    private StoreState _state = store.Committed;
    private StoreState? _viewCommitted;
    private StoreState? _viewState;
    private StoreState? _view;
    private readonly Lock _sync = new();
    private bool _ended;

    public StoreState State => _state;

    /// <summary>The groups whose locks the unit holds.</summary>
    public TableGroups Held { get; private set; }

    /// <summary>Whether an operation failed as PostgreSQL would fail it in the database, aborting the transaction.</summary>
    public bool Aborted { get; private set; }

    public override StoreState Read()
    {
        EnsureUsable();
        return View();
    }

    // The newest committed state with the unit's private tables laid over it (cached while neither changes).
    private StoreState View()
    {
        var committed = Store.Committed;
        if (Held == TableGroups.None)
        {
            return committed;
        }

        if (!ReferenceEquals(committed, _viewCommitted) || !ReferenceEquals(_state, _viewState))
        {
            _view = committed.WithTablesFrom(_state, Held);
            _viewCommitted = committed;
            _viewState = _state;
        }

        return _view!;
    }

    public override async Task<T> WriteAsync<T>(Func<StoreState, (StoreState State, T Result)> change, CancellationToken cancellationToken)
    {
        EnsureUsable();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            while (true)
            {
                var view = View();
                var (state, result) = change(view);
                var missing = TableGroupMap.Changed(view, state) & ~Held;
                if (missing == TableGroups.None)
                {
                    _state = state;
                    return result;
                }

                // The first write to these groups: lock them, then run the change again on their newest committed tables.
                await LockAsync(missing, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is DuplicateEntityException or ReferencedEntityMissingException or EntityInUseException)
        {
            // PostgreSQL aborts the transaction on a constraint violation; so does the in-memory unit.
            Aborted = true;
            throw;
        }
    }

    /// <summary>
    /// Takes the locks of <paramref name="groups"/> for the rest of the unit (as <c>SELECT ... FOR UPDATE</c> or an
    /// advisory lock would); from then on the unit reads its own copy of their tables, taken now. A lock timeout or a
    /// cancellation while waiting aborts the unit, as the failed statement aborts a PostgreSQL transaction.
    /// </summary>
    public async Task LockAsync(TableGroups groups, CancellationToken cancellationToken)
    {
        EnsureUsable();
        cancellationToken.ThrowIfCancellationRequested();
        var missing = groups & ~Held;
        if (missing == TableGroups.None)
        {
            return;
        }

        try
        {
            await Store.AcquireAsync(missing, this, sync: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ConcurrencyConflictException or OperationCanceledException)
        {
            Aborted = true;
            throw;
        }

        lock (_sync)
        {
            if (_ended)
            {
                // The unit ended (disposed from another flow) while this write waited: give the locks back, and fail
                // the write as a statement on a closed transaction fails.
                Store.Release(missing, this);
                throw new UnitOfWorkAbortedException(UnitOfWorkReasons.Ended);
            }

            _state = View();
            Held |= missing;
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

    /// <summary>Ends the unit: later operations fail; returns the groups whose locks it holds, for the store to release.</summary>
    public TableGroups End()
    {
        lock (_sync)
        {
            _ended = true;
            return Held;
        }
    }
}
