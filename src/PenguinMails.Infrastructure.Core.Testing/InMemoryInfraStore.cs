using System.Collections.Immutable;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// One thread-safe in-memory database for the in-memory repositories. It enforces what the PostgreSQL schema enforces
/// (validation, unique keys, foreign keys, ON DELETE CASCADE, defaults, compare-and-set) so that unit tests written
/// against it behave as they would against PostgreSQL.
/// </summary>
/// <remarks>
/// Reads see committed data (read committed, in a unit of work too). Writes to the IP-pool tables (VPS instances, SMTP
/// IPs, assignments) lock rows as PostgreSQL does: each written row, the unique values set and the rows foreign keys
/// point at, with PostgreSQL's lock strengths. Each other group of tables joined by foreign keys (staff; feature flags;
/// system config; tenant config; tenant policies; preferences) has one write lock. A unit of work holds its locks to
/// its commit or rollback and keeps its writes in versions of its own of the tables (copy-on-write: the tables are
/// immutable, so a version is cheap), which a commit carries over to the newest committed tables and a rollback drops.
/// Writers of different rows (IP pools) or groups never wait for each other; an auto-commit write holds no lock, it
/// waits only while something it writes is held. Each table is a balanced tree in
/// primary-key order with the secondary indexes its reads need (IPs by VPS instance, status and allocation rank;
/// assignments by domain, IP, status and the unique live (domain, IP) key), and the newest version of each table has
/// a hash table by key, so gets cost O(1) and writes and pages O(log n) at any size (docs/unit-testing.md, "How it scales"). The host platform's
/// <c>users</c>, <c>tenants</c> and <c>domains</c> are not owned by this package: register the ids your data refers to
/// with <see cref="AddUser"/>, <see cref="AddTenant"/> and <see cref="AddDomain"/>.
/// </remarks>
public sealed class InMemoryInfraStore
{
    // The gate: commits and the lock table change under it, so a write checks the locks and commits in one step.
    private readonly Lock _gate = new();

    // Who holds which lock (units of work only: an auto-commit write holds none), what each unit holds, and what each
    // waiting unit waits for: a wait that would close a cycle fails at once as a deadlock, as PostgreSQL detects one.
    // Every release completes _released, and waiters look again.
    private readonly Dictionary<LockResource, Dictionary<object, LockMode>> _locks = [];
    private readonly Dictionary<object, List<LockResource>> _heldBy = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, LockNeed> _waitingFor = new(ReferenceEqualityComparer.Instance);

    // The units waiting for each lock, first come first served (as PostgreSQL queues lock waiters): a request that
    // conflicts with a waiter ahead of it waits behind it, so a unit that releases and asks again cannot overtake.
    private readonly Dictionary<LockResource, List<(object Owner, LockMode Mode)>> _queues = [];
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
    /// How long a write waits for an open unit of work that holds a lock it needs (a row, a unique value, a table group) to end before it fails with a transient
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
    /// Removes every row and every registered host id. Like <see cref="Restore"/>, waits until no open unit of work holds
    /// a lock (one that wrote, or locked rows to write).
    /// </summary>
    public void Clear() => Mutate(_ => StoreState.Empty, everything: true);

    /// <summary>Test data in one call per row: any entity in any status, host rows created on demand.</summary>
    public InMemoryStoreSeeder Seed => field ??= new InMemoryStoreSeeder(this);

    /// <summary>
    /// The committed state of every table and host id, to return to with <see cref="Restore"/> (for example seeded once
    /// for a test class and restored before each test). Free: the tables are immutable, so nothing is copied.
    /// </summary>
    /// <returns>The snapshot.</returns>
    public InMemoryStoreSnapshot Snapshot() => new(this, _committed);

    /// <summary>
    /// Makes <paramref name="snapshot"/>'s state the committed state again, discarding every change since. Waits until no
    /// open unit of work holds a lock (one that wrote, or locked rows to write), up to <see cref="LockTimeout"/>.
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

        Mutate(_ => snapshot.State, everything: true);
    }

    internal StoreState Committed => _committed;

    /// <summary>
    /// Tells the flag snapshot and the permission cache over this store that flags or staff tables changed, so they
    /// answer from the committed state on their next call.
    /// </summary>
    internal InfraChangeFeed Changes { get; }

    // Every commit goes through here (under the gate): the new state, and what it changed for the readers.
    private void Commit(StoreState state)
    {
        var before = _committed;
        state.AdoptLookups(before);
        foreach (var name in state.ChangedTables(before))
        {
            state.Raw(name)?.Published();
        }

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
    /// An auto-commit write: <paramref name="change"/> runs on the committed state and commits at once, unless it
    /// writes something an open unit of work holds a conflicting lock on (a row, a unique value, a group); then it
    /// waits for that unit to end and runs again on the newest state. It holds no lock itself, so it never deadlocks.
    /// </summary>
    internal Task<T> WriteAsync<T>(Func<StoreState, (StoreState State, T Result)> change, CancellationToken cancellationToken) =>
        AutoCommitAsync(change, everything: false, sync: false, cancellationToken);

    /// <summary>A synchronous auto-commit write (host ids, seeding); see <see cref="WriteAsync"/>.</summary>
    internal void Mutate(Func<StoreState, StoreState> change) => Mutate(change, everything: false);

    // Clear and Restore replace whole tables, so they wait for every open unit of work that holds a lock, as documented.
    private void Mutate(Func<StoreState, StoreState> change, bool everything) =>
        AutoCommitAsync(state => (change(state), true), everything, sync: true, CancellationToken.None).GetAwaiter().GetResult();

    private async Task<T> AutoCommitAsync<T>(Func<StoreState, (StoreState State, T Result)> change, bool everything, bool sync, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var deadline = default(long?);
        while (true)
        {
            Task released;
            object blocking;
            lock (_gate)
            {
                var before = _committed;
                var (state, result) = change(before);
                if (ReferenceEquals(state, before) && !everything)
                {
                    return result;
                }

                object? conflict = everything ? AnyHeld() : FirstConflict(Needs(before, state), owner: null);
                if (conflict is null)
                {
                    Commit(state);
                    return result;
                }

                blocking = conflict;
                released = _released.Task;
            }

            deadline ??= TimeProvider.System.GetTimestamp() + (long)(LockTimeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
            if (!await WaitForReleaseAsync(released, deadline.Value, sync, cancellationToken).ConfigureAwait(false))
            {
                throw InfraTelemetry.Conflict(LockTimedOut(blocking));
            }
        }
    }

    /// <summary>
    /// The locks the writes from <paramref name="before"/> to <paramref name="after"/> take: each written row's (and
    /// what <see cref="IpPoolRowLocks"/> adds) in a row-locked group, the group's lock in every other group.
    /// </summary>
    internal static List<LockNeed> Needs(StoreState before, StoreState after)
    {
        var needs = new List<LockNeed>();
        var groups = TableGroups.None;
        foreach (var name in after.ChangedTables(before))
        {
            var group = TableGroupMap.Of(name);
            if ((group & TableGroupMap.RowLocked) != 0)
            {
                var table = after.Raw(name) ?? throw new InvalidOperationException($"The in-memory table {name} was dropped, so its row locks are unknown.");
                table.CollectLocks(before.Raw(name), needs);
            }
            else if ((groups & group) == 0)
            {
                groups |= group;
                needs.Add(new(LockResource.Group(group), LockMode.Update));
            }
        }

        return needs;
    }

    /// <summary>Whether <paramref name="owner"/> could take <paramref name="need"/> now (no other owner holds a conflicting lock).</summary>
    internal bool IsFree(LockNeed need, object owner)
    {
        lock (_gate)
        {
            return Conflicting(need, owner) is null;
        }
    }

    /// <summary>Takes <paramref name="need"/> for <paramref name="owner"/> when no other owner holds a conflicting lock; false otherwise (<c>SKIP LOCKED</c>).</summary>
    internal bool TryLock(LockNeed need, object owner)
    {
        lock (_gate)
        {
            if (Conflicting(need, owner) is not null)
            {
                return false;
            }

            Grant(need, owner);
            return true;
        }
    }

    /// <summary>
    /// Takes every lock of <paramref name="needs"/> for <paramref name="owner"/> at once when no other owner holds a
    /// conflicting one and the committed state is still <paramref name="basis"/> (so a change computed on it stands);
    /// otherwise takes none and returns false.
    /// </summary>
    internal bool TryLockAll(List<LockNeed> needs, object owner, StoreState basis)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_committed, basis) || FirstConflict(needs, owner) is not null)
            {
                return false;
            }

            foreach (var need in needs)
            {
                Grant(need, owner);
            }

            return true;
        }
    }

    /// <summary>
    /// Takes <paramref name="needs"/> for <paramref name="owner"/> (a unit of work), in order, each within
    /// <see cref="LockTimeout"/>; a lock it cannot take yet it waits for. Throws a transient
    /// <see cref="ConcurrencyConflictException"/> at once when waiting would close a cycle of waiters (a deadlock),
    /// else after the timeout. The locks taken stay the owner's until <see cref="End"/> (the unit is aborted on a failure).
    /// </summary>
    internal async Task LockAsync(IReadOnlyList<LockNeed> needs, object owner, CancellationToken cancellationToken)
    {
        // Cancellation surfaces as OperationCanceledException itself, as Npgsql throws it.
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var need in needs)
        {
            var deadline = default(long?);
            try
            {
                while (true)
                {
                    Task released;
                    lock (_gate)
                    {
                        if (Conflicting(need, owner) is null)
                        {
                            Grant(need, owner);
                            break;
                        }

                        if (ClosesCycle(need, owner))
                        {
                            throw InfraTelemetry.Conflict(Deadlock(need.Resource));
                        }

                        if (!_waitingFor.ContainsKey(owner))
                        {
                            _waitingFor[owner] = need;
                            if (!_queues.TryGetValue(need.Resource, out var queue))
                            {
                                queue = [];
                                _queues[need.Resource] = queue;
                            }

                            queue.Add((owner, need.Mode));
                        }

                        released = _released.Task;
                    }

                    deadline ??= TimeProvider.System.GetTimestamp() + (long)(LockTimeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
                    if (!await WaitForReleaseAsync(released, deadline.Value, sync: false, cancellationToken).ConfigureAwait(false))
                    {
                        throw InfraTelemetry.Conflict(LockTimedOut(need.Resource));
                    }
                }
            }
            finally
            {
                lock (_gate)
                {
                    if (_waitingFor.Remove(owner))
                    {
                        Dequeue(need.Resource, owner);
                    }
                }
            }
        }
    }

    // Waits for the next release of any lock (or the deadline, or cancellation); false at the deadline.
    private static async Task<bool> WaitForReleaseAsync(Task released, long deadline, bool sync, CancellationToken cancellationToken)
    {
        var remaining = TimeProvider.System.GetElapsedTime(TimeProvider.System.GetTimestamp(), deadline);
        if (remaining <= TimeSpan.Zero)
        {
            return false;
        }

        try
        {
            if (sync)
            {
                return released.Wait(remaining, cancellationToken);
            }

            await released.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // As Npgsql throws it (not a TaskCanceledException).
            throw new OperationCanceledException(cancellationToken);
        }
    }

    // The first other owner that need must wait for, or null (owner null: an auto-commit write).
    private object? Conflicting(LockNeed need, object? owner) => Blockers(need, owner, all: null);

    // Whom owner must wait for to take need: holders of a conflicting lock, and waiters queued ahead with a conflicting
    // request (every queued waiter when owner is not in the queue; none when owner already holds the resource, so an
    // upgrade never waits behind its own waiters). Returns the first; adds every one to all when given.
    private object? Blockers(LockNeed need, object? owner, List<object>? all)
    {
        object? first = null;
        var holds = false;
        if (_locks.TryGetValue(need.Resource, out var holders))
        {
            foreach (var (holder, mode) in holders)
            {
                if (ReferenceEquals(holder, owner))
                {
                    holds = true;
                }
                else if (LockNeed.Conflict(need.Mode, mode))
                {
                    first ??= holder;
                    if (all is null)
                    {
                        return first;
                    }

                    all.Add(holder);
                }
            }
        }

        if (holds || !_queues.TryGetValue(need.Resource, out var queue))
        {
            return first;
        }

        foreach (var (waiter, mode) in queue)
        {
            if (ReferenceEquals(waiter, owner))
            {
                break;
            }

            if (LockNeed.Conflict(need.Mode, mode))
            {
                first ??= waiter;
                if (all is null)
                {
                    return first;
                }

                all.Add(waiter);
            }
        }

        return first;
    }

    private void Dequeue(LockResource resource, object owner)
    {
        if (_queues.TryGetValue(resource, out var queue))
        {
            queue.RemoveAll(w => ReferenceEquals(w.Owner, owner));
            if (queue.Count == 0)
            {
                _queues.Remove(resource);
            }
        }

        // A waiter behind it may go now.
        Pulse();
    }

    private LockResource? FirstConflict(List<LockNeed> needs, object? owner)
    {
        foreach (var need in needs)
        {
            if (Conflicting(need, owner) is not null)
            {
                return need.Resource;
            }
        }

        return null;
    }

    private string? AnyHeld() => _locks.Count == 0 ? null : "every table";

    private void Grant(LockNeed need, object owner)
    {
        if (!_locks.TryGetValue(need.Resource, out var holders))
        {
            holders = new Dictionary<object, LockMode>(ReferenceEqualityComparer.Instance);
            _locks[need.Resource] = holders;
        }

        if (holders.TryGetValue(owner, out var mode))
        {
            if (mode < need.Mode)
            {
                holders[owner] = need.Mode;
            }

            return;
        }

        holders[owner] = need.Mode;
        if (!_heldBy.TryGetValue(owner, out var held))
        {
            held = [];
            _heldBy[owner] = held;
        }

        held.Add(need.Resource);
    }

    // Follows owner → whom it would wait for (Blockers) → whom each of them waits for ...: back at owner is a deadlock.
    private bool ClosesCycle(LockNeed need, object owner)
    {
        var pending = new Stack<(LockNeed Need, object Waiter)>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var blockers = new List<object>();
        pending.Push((need, owner));
        while (pending.TryPop(out var next))
        {
            blockers.Clear();
            Blockers(next.Need, next.Waiter, blockers);
            foreach (var blocker in blockers)
            {
                if (ReferenceEquals(blocker, owner))
                {
                    return true;
                }

                if (seen.Add(blocker) && _waitingFor.TryGetValue(blocker, out var waits))
                {
                    pending.Push((waits, blocker));
                }
            }
        }

        return false;
    }

    /// <summary>Releases every lock <paramref name="owner"/> holds and wakes the writers waiting for one.</summary>
    internal void ReleaseAll(object owner)
    {
        lock (_gate)
        {
            ReleaseHeld(owner);
        }
    }

    private void ReleaseHeld(object owner)
    {
        if (!_heldBy.Remove(owner, out var held))
        {
            return;
        }

        foreach (var resource in held)
        {
            if (_locks.TryGetValue(resource, out var holders) && holders.Remove(owner) && holders.Count == 0)
            {
                _locks.Remove(resource);
            }
        }

        Pulse();
    }

    // Wakes every waiter to look again (under the gate).
    private void Pulse()
    {
        var released = _released;
        _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        released.TrySetResult();
    }

    private static ConcurrencyConflictException Deadlock(LockResource resource) =>
        new(
            "InMemoryInfraStore",
            resource.ToString(),
            "deadlock: the unit of work that holds this lock waits, directly or through others, for a lock this one holds; this unit is aborted, retry it",
            isTransient: true
        );

    private ConcurrencyConflictException LockTimedOut(object resource) =>
        new(
            "InMemoryInfraStore",
            resource.ToString()!,
            $"waited {LockTimeout.TotalSeconds:0.#} s for an open unit of work that writes the same rows to end; end units of work (commit, roll back or dispose) before writing outside them",
            isTransient: true
        );

    /// <summary>
    /// Ends the unit of work <paramref name="session"/>: on commit, its tables carried over to the newest committed
    /// versions become the committed ones (it holds the lock of every row or group it wrote, so no one else changed
    /// them); then its locks are released.
    /// </summary>
    internal void End(UnitOfWorkSession session, bool commit)
    {
        lock (_gate)
        {
            try
            {
                if (commit && session.CommitState(_committed) is { } state)
                {
                    Commit(state);
                }
            }
            finally
            {
                ReleaseHeld(session);
            }
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

    /// <summary>The version of the table named <paramref name="name"/>, or null when the state has none.</summary>
    public ICommittedTable? Raw(string name) => (ICommittedTable?)_tables.GetValueOrDefault(name);

    /// <summary>This state with <paramref name="tables"/> in place of its tables of the same names (hosts kept).</summary>
    public StoreState WithTables(IEnumerable<KeyValuePair<string, ICommittedTable>> tables)
    {
        var builder = _tables.ToBuilder();
        foreach (var (name, table) in tables)
        {
            builder[name] = table;
        }

        return new(builder.ToImmutable(), _hosts, DomainTenants);
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
