using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// A table of the in-memory store: its name, key order (the order PostgreSQL gives the primary key) and secondary
/// indexes, which every write of the table maintains.
/// </summary>
internal sealed class TableDef<TKey, TRow>
    where TKey : notnull
{
    public TableDef(string name, IComparer<TKey> comparer, params TableIndex<TKey, TRow>[] indexes)
    {
        Name = name;
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i].Slot = i;
        }

        Indexes = [.. indexes];
        Empty = new Table<TKey, TRow>(
            this,
            ImmutableSortedDictionary.Create<TKey, TRow>(comparer),
            ImmutableSortedSet.Create(comparer),
            [.. indexes.Select(x => x.Empty)]
        );
    }

    public string Name { get; }

    public ImmutableArray<TableIndex<TKey, TRow>> Indexes { get; }

    /// <summary>
    /// For a table of a row-locked group (<see cref="TableGroupMap.RowLocked"/>): the locks a write of one row takes
    /// besides the row's own (unique values it sets, the rows its foreign keys point at), as PostgreSQL takes them.
    /// Called with the row before (null: inserted) and after (null: deleted).
    /// </summary>
    public Action<TRow?, TRow?, List<LockNeed>>? RowLocks { get; init; }

    public Table<TKey, TRow> Empty { get; }
}

/// <summary>
/// One immutable version of a table: the rows by key (a balanced tree, O(log n) insert, update and delete; a get is
/// O(1) on the committed version and the versions written from it, from a hash lookup that follows the committed line, see <see cref="KeyLookup{TKey, TRow}"/>), the
/// keys by position (so a page resumes at its continuation point in O(log n) instead of re-walking from the first row),
/// and the state of each secondary index. Every change returns a new version sharing all unchanged nodes, so a unit of
/// work's versions and <see cref="InMemoryInfraStore.Snapshot"/> stay free.
/// </summary>
internal sealed class Table<TKey, TRow> : ICommittedTable
    where TKey : notnull
{
    // Tree reads a version answers before it builds its own lookup, beyond an eighth of its rows.
    private const int LookupAfter = 32;

    private readonly TableDef<TKey, TRow> _def;
    private readonly ImmutableSortedDictionary<TKey, TRow> _rows;
    private readonly ImmutableSortedSet<TKey> _keys;
    private readonly ImmutableArray<object> _indexes;

    // The hash lookup this version owns or owned (see KeyLookup), and how many gets it answered from its tree.
    private KeyLookup<TKey, TRow>? _lookup;
    private int _treeReads;

    // A version made by single writes from a version that owns a lookup borrows it: _base is that version, _delta the
    // writes since (HasRow false: deleted). Gets read the delta, then the base's lookup while the base still owns it.
    // The base keeps its lookup until this version commits (AdoptLookup), so a rolled-back unit of work costs the
    // committed version nothing.
    private Table<TKey, TRow>? _base;
    private ImmutableDictionary<TKey, (bool HasRow, TRow Row)>? _delta;

    // The keys written since the version this one was written from by single writes (_logRoot; this version itself
    // when _log is null), newest first: what a write changed, and what a unit of work replays onto a newer committed
    // version. A commit cuts the log (Published), so a committed version is a root.
    private WriteLog? _log;
    private Table<TKey, TRow>? _logRoot;

    internal Table(TableDef<TKey, TRow> def, ImmutableSortedDictionary<TKey, TRow> rows, ImmutableSortedSet<TKey> keys, ImmutableArray<object> indexes)
    {
        _def = def;
        _rows = rows;
        _keys = keys;
        _indexes = indexes;
    }

    public int Count => _rows.Count;

    public bool IsEmpty => _rows.IsEmpty;

    /// <summary>Every row, in key order.</summary>
    public IEnumerable<TRow> Values => _rows.Values;

    /// <summary>Every key, in order.</summary>
    public IEnumerable<TKey> Keys => _rows.Keys;

    public TRow this[TKey key] => TryGetValue(key, out var row) ? row : throw new KeyNotFoundException($"The key '{key}' is not in table {_def.Name}.");

    public bool ContainsKey(TKey key) => TryGetValue(key, out _);

    public TRow? GetValueOrDefault(TKey key) => TryGetValue(key, out var row) ? row : default;

    /// <summary>
    /// The row under <paramref name="key"/>: O(1) from the hash lookup this version owns, or from its writes and the
    /// lookup it borrows (while the version it borrows from still owns it), else O(log n) from the tree. A version that
    /// keeps being read from its tree (a snapshot restored, a version replaced by a commit) builds its own lookup once
    /// its tree reads pass an eighth of its rows, so the O(n) build is paid for by the reads it speeds up.
    /// </summary>
    public bool TryGetValue(TKey key, out TRow row)
    {
        if (Volatile.Read(ref _lookup) is { } lookup && lookup.TryGet(this, key, out var found, out row))
        {
            return found;
        }

        if (_delta is { } delta && _base is { } source)
        {
            if (delta.TryGetValue(key, out var change))
            {
                row = change.Row;
                return change.HasRow;
            }

            if (Volatile.Read(ref source._lookup) is { } borrowed && borrowed.TryGet(source, key, out found, out row))
            {
                return found;
            }
        }

        if (Interlocked.Increment(ref _treeReads) >= LookupAfter + _rows.Count / 8)
        {
            _treeReads = 0;
            Volatile.Write(ref _lookup, new KeyLookup<TKey, TRow>(this, _rows, _rows.Count));
        }

        return _rows.TryGetValue(key, out row!);
    }

    /// <summary>Whether this version answers gets from a hash lookup it owns.</summary>
    internal bool OwnsLookup => Volatile.Read(ref _lookup)?.IsOwnedBy(this) == true;

    /// <summary>Whether this version answers gets from the lookup of the version it was written from (not committed yet).</summary>
    internal bool BorrowsLookup => _delta is not null && _base is { } source && Volatile.Read(ref source._lookup)?.IsOwnedBy(source) == true;

    /// <summary>
    /// Called once this version is committed, before anyone else can read it: takes over the lookup it borrows (when
    /// its base still owns it) and applies the writes since, O(writes). Otherwise nothing changes.
    /// </summary>
    public void AdoptLookup()
    {
        if (_delta is not { } delta || _base is not { } source)
        {
            return;
        }

        if (Volatile.Read(ref source._lookup) is { } lookup && lookup.TryPass(source, this))
        {
            Volatile.Write(ref _lookup, lookup);
            foreach (var (key, change) in delta)
            {
                if (change.HasRow)
                {
                    lookup.Set(key, change.Row);
                }
                else
                {
                    lookup.Remove(key);
                }
            }
        }

        _delta = null;
        _base = null;
    }

    /// <summary>The row under <paramref name="key"/> from the tree alone, the lookup's reference.</summary>
    internal bool TryGetFromTree(TKey key, out TRow row) => _rows.TryGetValue(key, out row!);

    /// <summary>The rows after <paramref name="after"/> in key order (every row when <paramref name="hasAfter"/> is false); O(log n) to the first.</summary>
    public IEnumerable<TRow> RowsAfter(bool hasAfter, TKey after) => hasAfter ? Seeked(SortedSets.Seek(_keys, after)) : _rows.Values;

    private IEnumerable<TRow> Seeked(int start)
    {
        for (var i = start; i < _keys.Count; i++)
        {
            yield return this[_keys[i]];
        }
    }

    /// <summary>Inserts a row; the key must be new.</summary>
    public Table<TKey, TRow> Add(TKey key, TRow row)
    {
        if (_rows.ContainsKey(key))
        {
            throw new ArgumentException($"The key '{key}' is already in table {_def.Name}.", nameof(key));
        }

        return Passed(new(_def, _rows.Add(key, row), _keys.Add(key), Apply(key, default, false, row, true)), key, row, true);
    }

    /// <summary>Inserts or replaces a row.</summary>
    public Table<TKey, TRow> SetItem(TKey key, TRow row) =>
        Passed(
            _rows.TryGetValue(key, out var old)
                ? new(_def, _rows.SetItem(key, row), _keys, Apply(key, old, true, row, true))
                : new(_def, _rows.Add(key, row), _keys.Add(key), Apply(key, default, false, row, true)),
            key,
            row,
            true
        );

    /// <summary>Removes a row; the same version when there is none.</summary>
    public Table<TKey, TRow> Remove(TKey key) =>
        _rows.TryGetValue(key, out var old) ? Passed(new(_def, _rows.Remove(key), _keys.Remove(key), Apply(key, old, true, default, false)), key, default, false) : this;

    public Table<TKey, TRow> RemoveRange(IEnumerable<TKey> keys)
    {
        var table = this;
        foreach (var key in keys)
        {
            table = table.Remove(key);
        }

        return table;
    }

    /// <summary>Inserts rows whose keys are all new (a bulk load: one builder pass over the key trees).</summary>
    public Table<TKey, TRow> AddRange(IEnumerable<KeyValuePair<TKey, TRow>> rows)
    {
        var byKey = _rows.ToBuilder();
        var keys = _keys.ToBuilder();
        var indexes = _indexes.ToBuilder();
        var added = new List<KeyValuePair<TKey, TRow>>();
        foreach (var (key, row) in rows)
        {
            added.Add(new(key, row));
            byKey.Add(key, row);
            keys.Add(key);
            foreach (var index in _def.Indexes)
            {
                indexes[index.Slot] = index.Apply(indexes[index.Slot], key, default, false, row, true);
            }
        }

        var next = new Table<TKey, TRow>(_def, byKey.ToImmutable(), keys.ToImmutable(), indexes.ToImmutable());
        var log = _log;
        foreach (var (key, _) in added)
        {
            log = new WriteLog(key, log);
        }

        next._log = log;
        next._logRoot = Root;
        if (PassLookup(next) is { } lookup)
        {
            // A bulk load hands the lookup on at once (a delta as large as the load would cost more than it saves).
            foreach (var (key, row) in added)
            {
                lookup.Set(key, row);
            }
        }
        else if (_delta is { } delta && _base is { } source)
        {
            next._base = source;
            next._delta = delta.SetItems(added.Select(static a => new KeyValuePair<TKey, (bool HasRow, TRow Row)>(a.Key, (true, a.Value))));
        }

        return next;
    }

    // Lets next (derived from this version by one write of key) borrow the lookup this version owns or borrows.
    private Table<TKey, TRow> Passed(Table<TKey, TRow> next, TKey key, TRow? row, bool hasRow)
    {
        next._log = new WriteLog(key, _log);
        next._logRoot = Root;
        var change = (hasRow, row!);
        if (OwnsLookup)
        {
            next._base = this;
            next._delta = ImmutableDictionary<TKey, (bool HasRow, TRow Row)>.Empty.SetItem(key, change);
        }
        else if (_delta is { } delta && _base is { } source)
        {
            next._base = source;
            next._delta = delta.SetItem(key, change);
        }

        return next;
    }

    // The lookup next now owns (the caller applies its write to it), or null when this version did not own one.
    private KeyLookup<TKey, TRow>? PassLookup(Table<TKey, TRow> next)
    {
        if (Volatile.Read(ref _lookup) is not { } lookup || !lookup.TryPass(this, next))
        {
            return null;
        }

        Volatile.Write(ref next._lookup, lookup);
        return lookup;
    }

    // The version this one was written from by the writes in its log.
    private Table<TKey, TRow> Root => _logRoot ?? this;

    /// <summary>Whether this version was written (by single writes, or none) from the committed version <paramref name="committed"/> (null: the table did not exist).</summary>
    public bool BasedOn(object? committed) => ReferenceEquals(Root, committed ?? _def.Empty);

    /// <summary>Called once this version is committed, before anyone else can read it: it becomes a root (its log is cut).</summary>
    public void Published()
    {
        _log = null;
        _logRoot = null;
    }

    /// <summary>
    /// The locks the writes from <paramref name="before"/> (an earlier version of this line; null: the empty table) to
    /// this version take: each changed row's own (<see cref="LockMode.NoKeyUpdate"/> for an update, <see cref="LockMode.Update"/>
    /// for an insert or a delete) and those of <see cref="TableDef{TKey, TRow}.RowLocks"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">This version was not written from <paramref name="before"/> by single writes.</exception>
    public void CollectLocks(object? before, List<LockNeed> into)
    {
        var from = (Table<TKey, TRow>?)before ?? _def.Empty;
        if (ReferenceEquals(from, this))
        {
            return;
        }

        var steps = (_log?.Count ?? 0) - (from._log?.Count ?? 0);
        var keys = new HashSet<TKey>();
        var node = _log;
        for (var i = 0; i < steps && node is not null; i++, node = node.Previous)
        {
            keys.Add(node.Key);
        }

        if (steps < 0 || !ReferenceEquals(node, from._log) || !ReferenceEquals(Root, from.Root))
        {
            throw new InvalidOperationException($"The in-memory table {_def.Name} was replaced, not written row by row, so its row locks are unknown.");
        }

        foreach (var key in keys)
        {
            // Every logged key is locked, even one written back as it was: a commit carries every logged key over.
            var hadOld = from.TryGetValue(key, out var old);
            var hasRow = TryGetValue(key, out var row);
            into.Add(new(LockResource.Row(_def.Name, key), hadOld && hasRow ? LockMode.NoKeyUpdate : LockMode.Update));
            if (hadOld != hasRow || (hasRow && !ReferenceEquals(old, row)))
            {
                _def.RowLocks?.Invoke(hadOld ? old : default, hasRow ? row : default, into);
            }
        }
    }

    /// <summary>
    /// This version's writes (the rows as this version has them, under every key in its log) applied to
    /// <paramref name="committed"/> (null: the empty table): a unit of work's table carried over to the newest
    /// committed version, O(writes · log n). The unit holds the lock of every row it wrote, so no one else changed them.
    /// </summary>
    public object RebaseOnto(object? committed)
    {
        var table = (Table<TKey, TRow>?)committed ?? _def.Empty;
        var seen = new HashSet<TKey>();
        for (var node = _log; node is not null; node = node.Previous)
        {
            if (seen.Add(node.Key))
            {
                table = TryGetValue(node.Key, out var row) ? table.SetItem(node.Key, row) : table.Remove(node.Key);
            }
        }

        return table;
    }

    /// <summary>The keys written since the log's root, newest first (a key may repeat).</summary>
    private sealed class WriteLog(TKey key, WriteLog? previous)
    {
        public TKey Key { get; } = key;

        public WriteLog? Previous { get; } = previous;

        public int Count { get; } = (previous?.Count ?? 0) + 1;
    }

    /// <summary>The state of <paramref name="index"/> in this version.</summary>
    internal object IndexState(TableIndex<TKey, TRow> index) => _indexes[index.Slot];

    private ImmutableArray<object> Apply(TKey key, TRow? old, bool hadOld, TRow? row, bool hasRow)
    {
        if (_indexes.IsEmpty)
        {
            return _indexes;
        }

        var builder = _indexes.ToBuilder();
        var changed = false;
        foreach (var index in _def.Indexes)
        {
            var before = builder[index.Slot];
            var after = hadOld ? index.Apply(before, key, old, true, row, hasRow) : index.Apply(before, key, default, false, row, hasRow);
            if (!ReferenceEquals(before, after))
            {
                builder[index.Slot] = after;
                changed = true;
            }
        }

        return changed ? builder.ToImmutable() : _indexes;
    }
}

/// <summary>A secondary index of a table, maintained by every write of it; its state is immutable, like the table's.</summary>
internal abstract class TableIndex<TKey, TRow>
    where TKey : notnull
{
    /// <summary>The index's position in its table's index list (set by <see cref="TableDef{TKey, TRow}"/>).</summary>
    internal int Slot { get; set; }

    public abstract object Empty { get; }

    /// <summary>The state after the row under <paramref name="key"/> changed from <paramref name="old"/> to <paramref name="row"/>; the same object when the index does not change.</summary>
    public abstract object Apply(object state, TKey key, TRow? old, bool hadOld, TRow? row, bool hasRow);
}

/// <summary>
/// Rows grouped by a value (for example IPs by VPS instance or by status), each group an ordered set of entries
/// (usually the key, so a filtered page resumes in key order; or a sort key and the key). A row may be left out of
/// the index (a partial index). An update that changes neither the group nor the entry leaves the index untouched.
/// </summary>
internal sealed class GroupIndex<TKey, TRow, TGroup, TEntry> : TableIndex<TKey, TRow>
    where TKey : notnull
    where TGroup : notnull
{
    private readonly Func<TRow, (bool Indexed, TGroup Group)> _groupOf;
    private readonly Func<TKey, TRow, TEntry> _entryOf;
    private readonly IComparer<TEntry> _order;
    private readonly ImmutableSortedSet<TEntry> _emptyGroup;

    public GroupIndex(Func<TRow, (bool Indexed, TGroup Group)> groupOf, Func<TKey, TRow, TEntry> entryOf, IComparer<TEntry> order)
    {
        _groupOf = groupOf;
        _entryOf = entryOf;
        _order = order;
        _emptyGroup = ImmutableSortedSet.Create(order);
        Empty = ImmutableDictionary<TGroup, ImmutableSortedSet<TEntry>>.Empty;
    }

    public override object Empty { get; }

    /// <summary>The entries of <paramref name="group"/> in <paramref name="table"/>, in order; empty when none.</summary>
    public ImmutableSortedSet<TEntry> Get(Table<TKey, TRow> table, TGroup group) => State(table).GetValueOrDefault(group) ?? _emptyGroup;

    /// <summary>Every group of <paramref name="table"/> with its entries.</summary>
    public ImmutableDictionary<TGroup, ImmutableSortedSet<TEntry>> Groups(Table<TKey, TRow> table) => State(table);

    public override object Apply(object state, TKey key, TRow? old, bool hadOld, TRow? row, bool hasRow)
    {
        var groups = (ImmutableDictionary<TGroup, ImmutableSortedSet<TEntry>>)state;
        (bool Indexed, TGroup Group) from = hadOld ? _groupOf(old!) : default;
        (bool Indexed, TGroup Group) to = hasRow ? _groupOf(row!) : default;
        var fromEntry = from.Indexed ? _entryOf(key, old!) : default;
        var toEntry = to.Indexed ? _entryOf(key, row!) : default;
        if (from.Indexed && to.Indexed && EqualityComparer<TGroup>.Default.Equals(from.Group, to.Group) && _order.Compare(fromEntry!, toEntry!) == 0)
        {
            return state;
        }

        if (from.Indexed && groups.TryGetValue(from.Group, out var set))
        {
            set = set.Remove(fromEntry!);
            groups = set.IsEmpty ? groups.Remove(from.Group) : groups.SetItem(from.Group, set);
        }

        if (to.Indexed)
        {
            groups = groups.SetItem(to.Group, (groups.GetValueOrDefault(to.Group) ?? _emptyGroup).Add(toEntry!));
        }

        return groups;
    }

    private ImmutableDictionary<TGroup, ImmutableSortedSet<TEntry>> State(Table<TKey, TRow> table) =>
        (ImmutableDictionary<TGroup, ImmutableSortedSet<TEntry>>)table.IndexState(this);
}

/// <summary>Seeking in an ordered set.</summary>
internal static class SortedSets
{
    /// <summary>Where iteration resumes after <paramref name="after"/> in <paramref name="set"/>, whether or not it is in it.</summary>
    public static int Seek<T>(ImmutableSortedSet<T> set, T after)
    {
        var i = set.IndexOf(after);
        return i >= 0 ? i + 1 : ~i;
    }

    /// <summary>The entries of <paramref name="set"/> from position <paramref name="start"/> on, in order.</summary>
    public static IEnumerable<T> From<T>(ImmutableSortedSet<T> set, int start)
    {
        for (var i = start; i < set.Count; i++)
        {
            yield return set[i];
        }
    }
}

/// <summary>Rows grouped by a value, each group the rows' UUID keys in PostgreSQL uuid order.</summary>
internal static class GroupIndex
{
    public static GroupIndex<Guid, TRow, TGroup, Guid> ByKey<TRow, TGroup>(Func<TRow, (bool Indexed, TGroup Group)> groupOf)
        where TGroup : notnull => new(groupOf, static (key, _) => key, UuidOrder.Instance);

    /// <summary>The keys of <paramref name="group"/>'s rows after <paramref name="after"/> (all when null), in uuid order; O(log n) to the first.</summary>
    public static IEnumerable<Guid> KeysAfter(ImmutableSortedSet<Guid> group, Guid? after) => after is { } a ? SortedSets.From(group, SortedSets.Seek(group, a)) : group;
}

/// <summary>
/// Orders UUIDs as PostgreSQL orders the uuid type (big-endian bytes, as <see cref="ContinuationToken.CompareUuid"/>),
/// by comparing two 64-bit halves instead of 16 bytes.
/// </summary>
internal sealed class UuidOrder : IComparer<Guid>
{
    public static readonly UuidOrder Instance = new();

    public int Compare(Guid x, Guid y)
    {
        if (!BitConverter.IsLittleEndian)
        {
            return ContinuationToken.CompareUuid(x, y);
        }

        var (xh, xl) = Halves(x);
        var (yh, yl) = Halves(y);
        var c = xh.CompareTo(yh);
        return c != 0 ? c : xl.CompareTo(yl);
    }

    // Guid stores its first three fields in the machine's byte order (little-endian here) and the last eight bytes as
    // given; PostgreSQL compares the RFC 4122 (big-endian) byte string.
    private static (ulong High, ulong Low) Halves(Guid g)
    {
        ReadOnlySpan<byte> b = MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref g, 1));
        var high = ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(b) << 32)
            | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(b[4..]) << 16)
            | BinaryPrimitives.ReadUInt16LittleEndian(b[6..]);
        return (high, BinaryPrimitives.ReadUInt64BigEndian(b[8..]));
    }
}

/// <summary>A table version as the store's commit sees it, whatever its key and row types.</summary>
internal interface ICommittedTable
{
    /// <summary>See <see cref="Table{TKey, TRow}.AdoptLookup"/>.</summary>
    void AdoptLookup();

    /// <summary>See <see cref="Table{TKey, TRow}.Published"/>.</summary>
    void Published();

    /// <summary>See <see cref="Table{TKey, TRow}.BasedOn"/>.</summary>
    bool BasedOn(object? committed);

    /// <summary>See <see cref="Table{TKey, TRow}.CollectLocks"/>.</summary>
    void CollectLocks(object? before, List<LockNeed> into);

    /// <summary>See <see cref="Table{TKey, TRow}.RebaseOnto"/>.</summary>
    object RebaseOnto(object? committed);
}
