namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>Where an in-memory repository reads and writes: the committed tables, or a unit of work's view.</summary>
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
/// A unit of work's view: read committed, as in PostgreSQL. Every read sees the newest committed tables with the
/// unit's own writes laid over them. A write first runs on that view to see what it changes; then it takes the locks
/// those changes need (in the IP-pool tables each changed row's, the unique values set and the rows foreign keys point
/// at, as PostgreSQL locks them; in every other group the group's lock), waiting for another unit that holds a
/// conflicting one, and runs again on the newest view. The unit keeps its changed tables privately; a commit carries
/// its rows over to the newest committed tables, a rollback drops them.
/// </summary>
internal sealed class UnitOfWorkSession(InMemoryInfraStore store) : StateSession(store)
{
    // The unit's versions of the tables it wrote, each written from a committed version by the unit's writes alone.
    private readonly Dictionary<string, ICommittedTable> _mine = new(StringComparer.Ordinal);
    private readonly Dictionary<LockResource, LockMode> _held = [];
    private StoreState? _viewCommitted;
    private StoreState? _view;
    private bool _viewStale = true;
    private readonly Lock _sync = new();
    private bool _ended;

    /// <summary>Whether the unit holds a lock (it wrote, or locked rows to write).</summary>
    public bool HoldsLocks => _held.Count > 0;

    /// <summary>Whether an operation failed as PostgreSQL would fail it in the database, aborting the transaction.</summary>
    public bool Aborted { get; private set; }

    public override StoreState Read()
    {
        EnsureUsable();
        return View();
    }

    // The newest committed state with the unit's tables (carried over to it) laid over it, cached while neither changes.
    private StoreState View() => View(out _);

    // ... and the committed state it was built on.
    private StoreState View(out StoreState basis)
    {
        var committed = Store.Committed;
        basis = committed;
        if (_mine.Count == 0)
        {
            return committed;
        }

        if (_viewStale || !ReferenceEquals(committed, _viewCommitted))
        {
            Rebase(committed);
            _view = committed.WithTables(_mine);
            _viewCommitted = committed;
            _viewStale = false;
        }

        basis = _viewCommitted;
        return _view!;
    }

    // Carries each of the unit's tables over to committed's version of it, when that moved on.
    private void Rebase(StoreState committed)
    {
        foreach (var (name, table) in _mine.ToList())
        {
            var current = committed.Raw(name);
            if (!table.BasedOn(current))
            {
                _mine[name] = (ICommittedTable)table.RebaseOnto(current);
            }
        }
    }

    /// <summary>The state a commit makes committed (called under the store's gate), or null when the unit wrote nothing.</summary>
    public StoreState? CommitState(StoreState committed)
    {
        if (_mine.Count == 0)
        {
            return null;
        }

        Rebase(committed);
        return committed.WithTables(_mine);
    }

    public override async Task<T> WriteAsync<T>(Func<StoreState, (StoreState State, T Result)> change, CancellationToken cancellationToken)
    {
        EnsureUsable();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            while (true)
            {
                var view = View(out var basis);
                var (state, result) = change(view);
                if (ReferenceEquals(state, view))
                {
                    return result;
                }

                var missing = InMemoryInfraStore.Needs(view, state).FindAll(n => !Holds(n));

                // Locks free now, and nothing committed since the view was read: the change stands as it ran.
                if (missing.Count == 0 || TryLockUnchanged(missing, basis))
                {
                    foreach (var name in state.ChangedTables(view))
                    {
                        _mine[name] = state.Raw(name) ?? throw new InvalidOperationException($"A unit of work dropped the in-memory table {name}.");
                    }

                    // The new state is the view with these writes: it stays the view while nothing else commits.
                    if (ReferenceEquals(view, _view) && ReferenceEquals(Store.Committed, _viewCommitted))
                    {
                        _view = state;
                    }
                    else
                    {
                        _viewStale = true;
                    }

                    return result;
                }

                // Lock what the change writes, then run it again on the newest committed tables.
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

    private bool Holds(LockNeed need) => _held.TryGetValue(need.Resource, out var mode) && mode >= need.Mode;

    /// <summary>
    /// Takes <paramref name="needs"/> for the rest of the unit (as <c>SELECT ... FOR UPDATE</c> or an advisory lock
    /// would), waiting for units that hold conflicting locks. A lock timeout, a deadlock or a cancellation while waiting
    /// aborts the unit, as the failed statement aborts a PostgreSQL transaction.
    /// </summary>
    public async Task LockAsync(IReadOnlyList<LockNeed> needs, CancellationToken cancellationToken)
    {
        EnsureUsable();
        cancellationToken.ThrowIfCancellationRequested();
        var missing = needs.Where(n => !Holds(n)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        try
        {
            await Store.LockAsync(missing, this, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ConcurrencyConflictException or OperationCanceledException)
        {
            Aborted = true;
            ReleaseIfEnded();
            throw;
        }

        Record(missing);
    }

    /// <summary>
    /// Takes <paramref name="need"/> when no other unit holds a conflicting lock (<c>FOR UPDATE SKIP LOCKED</c>); false
    /// when one does.
    /// </summary>
    public bool TryLock(LockNeed need)
    {
        EnsureUsable();
        if (Holds(need))
        {
            return true;
        }

        if (!Store.TryLock(need, this))
        {
            return false;
        }

        Record([need]);
        return true;
    }

    // Takes every lock of needs at once when none is held by another unit and the committed state is still basis.
    private bool TryLockUnchanged(List<LockNeed> needs, StoreState basis)
    {
        if (!Store.TryLockAll(needs, this, basis))
        {
            return false;
        }

        Record(needs);
        return true;
    }

    /// <summary>Whether another unit holds a lock that conflicts with <paramref name="need"/> (what <c>SKIP LOCKED</c> skips).</summary>
    public bool LockedByOther(LockNeed need) => !Holds(need) && !Store.IsFree(need, this);

    // A unit that ended while its locks were being taken gives back what was granted after its end.
    private void ReleaseIfEnded()
    {
        lock (_sync)
        {
            if (_ended)
            {
                Store.ReleaseAll(this);
            }
        }
    }

    private void Record(List<LockNeed> taken)
    {
        lock (_sync)
        {
            if (_ended)
            {
                // The unit ended (disposed from another flow) while this write waited: give the locks back, and fail
                // the write as a statement on a closed transaction fails.
                Store.ReleaseAll(this);
                throw new UnitOfWorkAbortedException(UnitOfWorkReasons.Ended);
            }

            foreach (var need in taken)
            {
                if (!Holds(need))
                {
                    _held[need.Resource] = need.Mode;
                }
            }
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

    /// <summary>Ends the unit: later operations fail (the store then commits or drops its tables and releases its locks).</summary>
    public void End()
    {
        lock (_sync)
        {
            _ended = true;
        }
    }
}
