using System.Collections.Immutable;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// One thread-safe in-memory database for the in-memory repositories. It enforces what the PostgreSQL schema enforces
/// (validation, unique keys, foreign keys, ON DELETE CASCADE, defaults, compare-and-set) so that unit tests written
/// against it behave as they would against PostgreSQL.
/// </summary>
/// <remarks>
/// Reads see committed data (read committed, in a unit of work too). Each group of tables joined by foreign keys has
/// one write lock (IP pools; staff; feature flags; system config; tenant config; tenant policies; preferences): a write
/// takes the locks of the groups it changes, and a unit of work holds them from its first write to a group to its
/// commit or rollback, working on a private copy of those tables (copy-on-write: the tables are immutable, so the copy
/// is free), which makes a rolled-back unit leave no trace. Writers of different groups never wait for each other. Each table is a balanced tree in
/// primary-key order with the secondary indexes its reads need (IPs by VPS instance, status and allocation rank;
/// assignments by domain, IP, status and the unique live (domain, IP) key), and the newest version of each table has
/// a hash table by key, so gets cost O(1) and writes and pages O(log n) at any size (docs/unit-testing.md, "How it scales"). The host platform's
/// <c>users</c>, <c>tenants</c> and <c>domains</c> are not owned by this package: register the ids your data refers to
/// with <see cref="AddUser"/>, <see cref="AddTenant"/> and <see cref="AddDomain"/>.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The SemaphoreSlim never allocates its wait handle (AvailableWaitHandle is not used), so it holds nothing to dispose.")]
public sealed class InMemoryInfraStore
{
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, TableGroupMap.Count).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly Lock _gate = new();

    // Who holds each group's lock (a unit of work's session, or an auto-commit write's token) and which group each
    // waiter waits for: a wait that would close a cycle fails at once as a deadlock, as PostgreSQL detects one.
    private readonly object?[] _owners = new object?[TableGroupMap.Count];
    private readonly Dictionary<object, int> _waitingFor = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lockInfo = new();
    private volatile StoreState _committed = StoreState.Empty;

    /// <summary>Initializes an empty store.</summary>
    /// <param name="timeProvider">The clock for <c>created</c>/<c>updated</c>; the system clock by default.</param>
    public InMemoryInfraStore(TimeProvider? timeProvider = null)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        Changes = new InfraChangeFeed(() => InMemoryFeatureFlagRepository.AllByKey(_committed));
    }

    /// <summary>The clock the store stamps rows with.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// How long a write waits for an open unit of work that holds the lock of the same tables to end before it fails with a transient
    /// <see cref="ConcurrencyConflictException"/> (as PostgreSQL's <c>lock_timeout</c> would). Default 10 seconds, so
    /// a test that forgets to end a unit of work fails with a clear message instead of hanging.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Registers a host <c>users</c> id so that rows may refer to it.</summary>
    /// <param name="userId">The id.</param>
    public void AddUser(UserId userId) => Mutate(s => s.WithHost(HostTable.Users, userId.Value));

    /// <summary>Registers a host <c>tenants</c> id so that rows may refer to it.</summary>
    /// <param name="tenantId">The id.</param>
    public void AddTenant(TenantId tenantId) => Mutate(s => s.WithHost(HostTable.Tenants, tenantId.Value));

    /// <summary>Registers a host <c>domains</c> id (and the tenant that owns it) so that rows may refer to it.</summary>
    /// <param name="domainId">The id.</param>
    /// <param name="tenantId">The owning tenant, if any.</param>
    public void AddDomain(DomainId domainId, TenantId? tenantId = null) =>
        Mutate(s => s.WithHost(HostTable.Domains, domainId.Value).WithDomainTenant(domainId.Value, tenantId?.Value));

    /// <summary>
    /// Removes every row and every registered host id. Like <see cref="Restore"/>, waits for each open unit of work that
    /// has written to end.
    /// </summary>
    public void Clear() => Mutate(_ => StoreState.Empty, TableGroups.All);

    /// <summary>Test data in one call per row: any entity in any status, host rows created on demand.</summary>
    public InMemoryStoreSeeder Seed => field ??= new InMemoryStoreSeeder(this);

    /// <summary>
    /// The committed state of every table and host id, to return to with <see cref="Restore"/> (for example seeded once
    /// for a test class and restored before each test). Free: the tables are immutable, so nothing is copied.
    /// </summary>
    /// <returns>The snapshot.</returns>
    public InMemoryStoreSnapshot Snapshot() => new(this, _committed);

    /// <summary>
    /// Makes <paramref name="snapshot"/>'s state the committed state again, discarding every change since. Takes every
    /// table group's lock, so it waits for each open unit of work that has written to end (up to
    /// <see cref="LockTimeout"/> each).
    /// </summary>
    /// <param name="snapshot">A snapshot of this store.</param>
    /// <exception cref="ArgumentException">The snapshot was taken of another store.</exception>
    public void Restore(InMemoryStoreSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!ReferenceEquals(snapshot.Store, this))
        {
            throw new ArgumentException("The snapshot was taken of another InMemoryInfraStore.", nameof(snapshot));
        }

        Mutate(_ => snapshot.State, TableGroups.All);
    }

    internal StoreState Committed => _committed;

    /// <summary>
    /// Tells the flag snapshot and the permission cache over this store that flags or staff tables changed, so they
    /// answer from the committed state on their next call.
    /// </summary>
    internal InfraChangeFeed Changes { get; }

    // Every commit goes through here (under the commit gate): the new state, and what it changed for the readers.
    private void Commit(StoreState state)
    {
        var before = _committed;
        state.AdoptLookups(before);
        _committed = state;

        // The readers' areas are lock groups: one pass over the changed tables answers both.
        var groups = TableGroupMap.Changed(before, state);
        var changed = ChangedAreas.None;
        if ((groups & TableGroups.FeatureFlags) != 0)
        {
            changed |= ChangedAreas.FeatureFlags;
        }

        if ((groups & TableGroups.Staff) != 0)
        {
            changed |= ChangedAreas.Staff;
        }

        if (changed != ChangedAreas.None)
        {
            Changes.Changed(changed);
        }
    }

    /// <summary>
    /// An auto-commit write: <paramref name="change"/> runs on the committed state, the groups of the tables it changes
    /// are locked (waiting for a unit of work that holds one), and the change commits. When the committed state moved
    /// while the locks were taken, the change runs again under them, on the newest state.
    /// </summary>
    internal Task<T> WriteAsync<T>(Func<StoreState, (StoreState State, T Result)> change, CancellationToken cancellationToken) =>
        AutoCommitAsync(change, TableGroups.None, sync: false, cancellationToken);

    /// <summary>A synchronous auto-commit write (host ids, seeding); see <see cref="WriteAsync"/>.</summary>
    internal void Mutate(Func<StoreState, StoreState> change) => Mutate(change, TableGroups.None);

    // Clear and Restore lock every group, so they wait for every open unit of work, as documented.
    private void Mutate(Func<StoreState, StoreState> change, TableGroups atLeast) =>
        AutoCommitAsync(state => (change(state), true), atLeast, sync: true, CancellationToken.None).GetAwaiter().GetResult();

    private async Task<T> AutoCommitAsync<T>(Func<StoreState, (StoreState State, T Result)> change, TableGroups atLeast, bool sync, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var held = TableGroups.None;
        var owner = new object();
        try
        {
            var before = _committed;
            var (state, result) = change(before);
            while (true)
            {
                var needed = TableGroupMap.Changed(before, state) | atLeast;
                if ((needed & ~held) != 0)
                {
                    // Take every group in order from nothing (no deadlock between auto-commit writes), then run again.
                    Release(held, owner);
                    held = TableGroups.None;
                    await AcquireAsync(needed, owner, sync, cancellationToken).ConfigureAwait(false);
                    held = needed;
                }

                lock (_gate)
                {
                    if (!ReferenceEquals(_committed, before))
                    {
                        before = _committed;
                        (state, result) = change(before);
                        if ((TableGroupMap.Changed(before, state) & ~held) != 0)
                        {
                            continue;
                        }
                    }

                    if (!ReferenceEquals(state, before))
                    {
                        Commit(state);
                    }

                    return result;
                }
            }
        }
        finally
        {
            Release(held, owner);
        }
    }

    /// <summary>
    /// Takes the locks of <paramref name="groups"/> for <paramref name="owner"/>, in group order, each within
    /// <see cref="LockTimeout"/>; on a failure releases what this call took and throws a transient
    /// <see cref="ConcurrencyConflictException"/>: at once when waiting would close a cycle of waiters (a deadlock), else
    /// after the timeout.
    /// </summary>
    internal async Task AcquireAsync(TableGroups groups, object owner, bool sync, CancellationToken cancellationToken)
    {
        // Cancellation surfaces as OperationCanceledException itself, as Npgsql throws it (SemaphoreSlim's own cancelled
        // task would surface as its TaskCanceledException subclass).
        cancellationToken.ThrowIfCancellationRequested();
        var taken = TableGroups.None;
        try
        {
            for (var i = 0; i < TableGroupMap.Count; i++)
            {
                var group = (TableGroups)(1 << i);
                if ((groups & group) == 0)
                {
                    continue;
                }

                bool free;
                lock (_lockInfo)
                {
                    // Taken and recorded in one step, so a deadlock check never sees a held lock without its holder.
                    free = _locks[i].Wait(0, CancellationToken.None);
                    if (free)
                    {
                        _owners[i] = owner;
                    }
                }

                if (!free)
                {
                    await WaitAsync(i, owner, sync, cancellationToken).ConfigureAwait(false);
                }

                taken |= group;
            }
        }
        catch
        {
            Release(taken, owner);
            throw;
        }
    }

    private async Task WaitAsync(int lockIndex, object owner, bool sync, CancellationToken cancellationToken)
    {
        var group = (TableGroups)(1 << lockIndex);
        lock (_lockInfo)
        {
            // Follow holder → the group it waits for → that group's holder ...: back at the owner is a deadlock.
            var holder = _owners[lockIndex];
            for (var hops = 0; holder is not null && hops <= TableGroupMap.Count; hops++)
            {
                if (ReferenceEquals(holder, owner))
                {
                    throw InfraTelemetry.Conflict(Deadlock(group));
                }

                holder = _waitingFor.TryGetValue(holder, out var next) ? _owners[next] : null;
            }

            _waitingFor[owner] = lockIndex;
        }

        var acquired = false;
        try
        {
            acquired = sync
                ? _locks[lockIndex].Wait(LockTimeout, cancellationToken)
                : await _locks[lockIndex].WaitAsync(LockTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (ex is TaskCanceledException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
        finally
        {
            lock (_lockInfo)
            {
                _waitingFor.Remove(owner);
                if (acquired)
                {
                    _owners[lockIndex] = owner;
                }
            }
        }

        if (!acquired)
        {
            throw InfraTelemetry.Conflict(LockTimedOut(group));
        }
    }

    /// <summary>Releases the locks of <paramref name="groups"/> that <paramref name="owner"/> holds.</summary>
    internal void Release(TableGroups groups, object owner)
    {
        for (var i = 0; i < TableGroupMap.Count; i++)
        {
            if ((groups & (TableGroups)(1 << i)) != 0)
            {
                lock (_lockInfo)
                {
                    if (ReferenceEquals(_owners[i], owner))
                    {
                        _owners[i] = null;
                    }
                }

                _locks[i].Release();
            }
        }
    }

    private static ConcurrencyConflictException Deadlock(TableGroups group) =>
        new(
            "InMemoryInfraStore",
            $"write lock ({group})",
            "deadlock: the unit of work that holds these tables waits, directly or through others, for tables this one holds; this unit is aborted, retry it",
            isTransient: true
        );

    private ConcurrencyConflictException LockTimedOut(TableGroups group) =>
        new(
            "InMemoryInfraStore",
            $"write lock ({group})",
            $"waited {LockTimeout.TotalSeconds:0.#} s for an open unit of work that writes the same tables to end; end units of work (commit, roll back or dispose) before writing outside them",
            isTransient: true
        );

    /// <summary>
    /// Ends a unit of work that holds the locks of <paramref name="held"/>: on commit, its tables of those groups become
    /// the committed ones (no other writer could change them while it held the locks); then the locks are released.
    /// </summary>
    internal void End(StoreState? commit, TableGroups held, object owner)
    {
        try
        {
            if (commit is not null && held != TableGroups.None)
            {
                lock (_gate)
                {
                    Commit(_committed.WithTablesFrom(commit, held));
                }
            }
        }
        finally
        {
            Release(held, owner);
        }
    }
}

internal enum HostTable
{
    Users,
    Tenants,
    Domains,
}

/// <summary>An immutable snapshot of every table. Tables are looked up by name, so areas add theirs independently.</summary>
internal sealed class StoreState
{
    public static readonly StoreState Empty = new(ImmutableDictionary<string, object>.Empty, ImmutableDictionary<HostTable, ImmutableHashSet<Guid>>.Empty, ImmutableDictionary<Guid, Guid?>.Empty);

    private readonly ImmutableDictionary<string, object> _tables;
    private readonly ImmutableDictionary<HostTable, ImmutableHashSet<Guid>> _hosts;

    private StoreState(ImmutableDictionary<string, object> tables, ImmutableDictionary<HostTable, ImmutableHashSet<Guid>> hosts, ImmutableDictionary<Guid, Guid?> domainTenants)
    {
        _tables = tables;
        _hosts = hosts;
        DomainTenants = domainTenants;
    }

    /// <summary>The tenant of each registered domain.</summary>
    public ImmutableDictionary<Guid, Guid?> DomainTenants { get; }

    /// <summary>Whether the table named <paramref name="name"/> differs from <paramref name="before"/>'s (tables are immutable, so by reference).</summary>
    public bool TableChanged(StoreState before, string name) =>
        !ReferenceEquals(_tables.GetValueOrDefault(name), before._tables.GetValueOrDefault(name));

    /// <summary>The names of the tables whose version differs from <paramref name="before"/>'s.</summary>
    public IEnumerable<string> ChangedTables(StoreState before)
    {
        foreach (var (name, table) in _tables)
        {
            if (!ReferenceEquals(table, before._tables.GetValueOrDefault(name)))
            {
                yield return name;
            }
        }

        foreach (var name in before._tables.Keys)
        {
            if (!_tables.ContainsKey(name))
            {
                yield return name;
            }
        }
    }

    /// <summary>
    /// Lets every table version that changed against <paramref name="before"/> take over the hash lookup it borrows
    /// (before the state is published: see <see cref="Table{TKey, TRow}.AdoptLookup"/>).
    /// </summary>
    public void AdoptLookups(StoreState before)
    {
        foreach (var name in ChangedTables(before))
        {
            if (_tables.TryGetValue(name, out var table))
            {
                ((ICommittedTable)table).AdoptLookup();
            }
        }
    }

    /// <summary>This state with the tables of <paramref name="groups"/> taken from <paramref name="source"/> (hosts kept).</summary>
    public StoreState WithTablesFrom(StoreState source, TableGroups groups)
    {
        var tables = _tables.ToBuilder();
        foreach (var name in _tables.Keys)
        {
            if (TableGroupMap.In(name, groups) && !source._tables.ContainsKey(name))
            {
                tables.Remove(name);
            }
        }

        foreach (var (name, table) in source._tables)
        {
            if (TableGroupMap.In(name, groups))
            {
                tables[name] = table;
            }
        }

        return new(tables.ToImmutable(), _hosts, DomainTenants);
    }

    public bool HasHost(HostTable table, Guid id) => _hosts.TryGetValue(table, out var set) && set.Contains(id);

    public StoreState WithHost(HostTable table, Guid id) =>
        new(_tables, _hosts.SetItem(table, (_hosts.TryGetValue(table, out var set) ? set : []).Add(id)), DomainTenants);

    public StoreState WithDomainTenant(Guid domain, Guid? tenant) => new(_tables, _hosts, DomainTenants.SetItem(domain, tenant));

    public Table<TKey, TRow> Table<TKey, TRow>(TableDef<TKey, TRow> def)
        where TKey : notnull =>
        _tables.TryGetValue(def.Name, out var t) ? (Table<TKey, TRow>)t : def.Empty;

    public StoreState With<TKey, TRow>(TableDef<TKey, TRow> def, Table<TKey, TRow> table)
        where TKey : notnull => new(_tables.SetItem(def.Name, table), _hosts, DomainTenants);
}
