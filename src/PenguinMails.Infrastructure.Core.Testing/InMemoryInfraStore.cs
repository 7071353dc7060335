using System.Collections.Immutable;
using PenguinMails.Infrastructure.Core.Internal;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// One thread-safe in-memory database for the in-memory repositories. It enforces what the PostgreSQL schema enforces
/// (validation, unique keys, foreign keys, ON DELETE CASCADE, defaults, compare-and-set) so that unit tests written
/// against it behave as they would against PostgreSQL.
/// </summary>
/// <remarks>
/// Reads see committed data (read committed). Writes are serialized by one lock; a unit of work holds that lock from
/// its start to its commit or rollback and works on a private copy of the tables (copy-on-write: the tables are
/// immutable, so the copy is free), which makes a rolled-back unit leave no trace. Each table is a balanced tree in
/// primary-key order with the secondary indexes its reads need (IPs by VPS instance, status and allocation rank;
/// assignments by domain, IP, status and the unique live (domain, IP) key), and the newest version of each table has
/// a hash table by key, so gets cost O(1) and writes and pages O(log n) at any size (docs/unit-testing.md, "How it scales"). The host platform's
/// <c>users</c>, <c>tenants</c> and <c>domains</c> are not owned by this package: register the ids your data refers to
/// with <see cref="AddUser"/>, <see cref="AddTenant"/> and <see cref="AddDomain"/>.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The SemaphoreSlim never allocates its wait handle (AvailableWaitHandle is not used), so it holds nothing to dispose.")]
public sealed class InMemoryInfraStore
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
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
    /// How long a write waits for an open unit of work to end before it fails with a transient
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

    /// <summary>Removes every row and every registered host id.</summary>
    public void Clear() => Mutate(_ => StoreState.Empty);

    /// <summary>Test data in one call per row: any entity in any status, host rows created on demand.</summary>
    public InMemoryStoreSeeder Seed => field ??= new InMemoryStoreSeeder(this);

    /// <summary>
    /// The committed state of every table and host id, to return to with <see cref="Restore"/> (for example seeded once
    /// for a test class and restored before each test). Free: the tables are immutable, so nothing is copied.
    /// </summary>
    /// <returns>The snapshot.</returns>
    public InMemoryStoreSnapshot Snapshot() => new(this, _committed);

    /// <summary>
    /// Makes <paramref name="snapshot"/>'s state the committed state again, discarding every change since. Waits, like
    /// a write, for an open unit of work to end.
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

        Mutate(_ => snapshot.State);
    }

    internal StoreState Committed => _committed;

    /// <summary>
    /// Tells the flag snapshot and the permission cache over this store that flags or staff tables changed, so they
    /// answer from the committed state on their next call.
    /// </summary>
    internal InfraChangeFeed Changes { get; }

    // Every commit goes through here (under the write lock): the new state, and what it changed for the readers.
    private void Commit(StoreState state)
    {
        var before = _committed;
        _committed = state;
        var changed = ChangedAreas.None;
        if (state.TableChanged(before, InMemoryFeatureFlagRepository.Table.Name))
        {
            changed |= ChangedAreas.FeatureFlags;
        }

        if (InMemoryStaffTables.Names.Any(name => state.TableChanged(before, name)))
        {
            changed |= ChangedAreas.Staff;
        }

        if (changed != ChangedAreas.None)
        {
            Changes.Changed(changed);
        }
    }

    internal async Task<T> WriteAsync<T>(Func<StoreState, (StoreState State, T Result)> change, CancellationToken cancellationToken)
    {
        await AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (state, result) = change(_committed);
            Commit(state);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    internal async Task<StoreState> BeginAsync(CancellationToken cancellationToken)
    {
        await AcquireAsync(cancellationToken).ConfigureAwait(false);
        return _committed;
    }

    private async Task AcquireAsync(CancellationToken cancellationToken)
    {
        // Cancellation surfaces as OperationCanceledException itself, as Npgsql throws it (SemaphoreSlim's own cancelled
        // task would surface as its TaskCanceledException subclass).
        cancellationToken.ThrowIfCancellationRequested();
        bool acquired;
        try
        {
            acquired = await _writeLock.WaitAsync(LockTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (ex is TaskCanceledException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }

        if (!acquired)
        {
            throw InfraTelemetry.Conflict(LockTimedOut());
        }
    }

    private ConcurrencyConflictException LockTimedOut() =>
        new(
            "InMemoryInfraStore",
            "write lock",
            $"waited {LockTimeout.TotalSeconds:0.#} s for an open unit of work to end; end units of work (commit, roll back or dispose) before writing outside them",
            isTransient: true
        );

    internal void End(StoreState? commit)
    {
        if (commit is not null)
        {
            Commit(commit);
        }

        _writeLock.Release();
    }

    internal void Mutate(Func<StoreState, StoreState> change)
    {
        if (!_writeLock.Wait(LockTimeout))
        {
            throw InfraTelemetry.Conflict(LockTimedOut());
        }

        try
        {
            Commit(change(_committed));
        }
        finally
        {
            _writeLock.Release();
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
