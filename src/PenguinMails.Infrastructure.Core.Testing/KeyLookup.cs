namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// A hash table of one table version's rows by key, so that a get by primary key on the newest version costs O(1)
/// (one probe of one flat array) instead of a walk down the version's balanced tree, which at tens of thousands of
/// rows misses the processor cache on every level.
/// </summary>
/// <remarks>
/// <para>
/// One lookup serves a line of versions: it belongs to one version at a time (its <em>owner</em>). Versions written
/// from the owner borrow it beside their own writes until one of them commits; that one takes the lookup over
/// (<see cref="TryPass"/>) and applies its writes to it, so the lookup follows the committed version at O(1) per
/// write, and a rolled-back unit of work never takes it away. A bulk load takes it over at once. Older versions lose
/// it and answer from their own tree, which never changes, so every version still reads its own rows.
/// </para>
/// <para>
/// Reads run concurrently with the one writer (the thread that took the lookup over). A read checks the owner before
/// and after probing (a sequence lock): when the lookup changed hands in between, the probe may have seen a half-done
/// write, and the read is discarded and answered from the tree. The owner changes (a full fence) before the first
/// write of the new version, so a probe that passes both checks saw only the owner's rows. A probe cannot fail on a
/// half-done write: the array is never full and a resize publishes a new array.
/// </para>
/// </remarks>
internal sealed class KeyLookup<TKey, TRow>
    where TKey : notnull
{
    private const byte Empty = 0;
    private const byte Full = 1;
    private const byte Deleted = 2;

    private static readonly EqualityComparer<TKey> KeyEquality = EqualityComparer<TKey>.Default;

    private object _owner;
    private Slot[] _slots;
    private int _count;
    private int _used;

    /// <summary>A lookup of <paramref name="rows"/>, owned by <paramref name="owner"/>.</summary>
    public KeyLookup(object owner, IEnumerable<KeyValuePair<TKey, TRow>> rows, int count)
    {
        _owner = owner;
        _slots = new Slot[CapacityFor(count)];
        foreach (var (key, row) in rows)
        {
            Set(key, row);
        }
    }

    /// <summary>The number of rows.</summary>
    public int Count => _count;

    /// <summary>Whether <paramref name="version"/> owns the lookup now.</summary>
    public bool IsOwnedBy(object version) => ReferenceEquals(Volatile.Read(ref _owner), version);

    /// <summary>
    /// Looks <paramref name="key"/> up for <paramref name="version"/>. Returns false when the lookup is not (or stopped
    /// being, during the probe) that version's: the caller then reads its tree.
    /// </summary>
    public bool TryGet(object version, TKey key, out bool found, out TRow row)
    {
        found = false;
        row = default!;
        if (!ReferenceEquals(Volatile.Read(ref _owner), version))
        {
            return false;
        }

        var slots = Volatile.Read(ref _slots);
        var at = IndexOf(slots, key, Hash(key));
        if (at >= 0)
        {
            row = slots[at].Row;
            found = true;
        }

        // Every read of the probe completes before the owner is read again.
        Interlocked.MemoryBarrier();
        if (ReferenceEquals(Volatile.Read(ref _owner), version))
        {
            return true;
        }

        found = false;
        row = default!;
        return false;
    }

    /// <summary>
    /// Hands the lookup from <paramref name="from"/> to <paramref name="to"/>, a version derived from it; false when
    /// <paramref name="from"/> does not own it (then <paramref name="to"/> has no lookup). The caller then applies the
    /// write that made <paramref name="to"/> with <see cref="Set"/> or <see cref="Remove"/>.
    /// </summary>
    public bool TryPass(object from, object to) => ReferenceEquals(Interlocked.CompareExchange(ref _owner, to, from), from);

    /// <summary>Inserts or replaces the row under <paramref name="key"/> (by the owner's writer only).</summary>
    public void Set(TKey key, TRow row)
    {
        var hash = Hash(key);
        var slots = _slots;
        var mask = slots.Length - 1;
        var free = -1;
        for (int i = hash & mask, probes = 0; probes < slots.Length; i = (i + 1) & mask, probes++)
        {
            ref var slot = ref slots[i];
            if (slot.State == Empty)
            {
                free = free < 0 ? i : free;
                break;
            }

            if (slot.State == Deleted)
            {
                free = free < 0 ? i : free;
                continue;
            }

            if (slot.Hash == hash && KeyEquality.Equals(slot.Key, key))
            {
                slot.Row = row;
                return;
            }
        }

        ref var target = ref slots[free];
        if (target.State == Empty)
        {
            _used++;
        }

        target.Key = key;
        target.Row = row;
        target.Hash = hash;
        target.State = Full;
        _count++;
        if (_used * 4 > slots.Length * 3)
        {
            Resize();
        }
    }

    /// <summary>Removes the row under <paramref name="key"/>, if any (by the owner's writer only).</summary>
    public void Remove(TKey key)
    {
        var at = IndexOf(_slots, key, Hash(key));
        if (at >= 0)
        {
            ref var slot = ref _slots[at];
            slot.State = Deleted;
            slot.Row = default!;
            _count--;
        }
    }

    // The slot holding key, or -1: linear probing from the key's hash to the first never-used slot.
    private static int IndexOf(Slot[] slots, TKey key, int hash)
    {
        var mask = slots.Length - 1;
        for (int i = hash & mask, probes = 0; probes < slots.Length; i = (i + 1) & mask, probes++)
        {
            ref var slot = ref slots[i];
            if (slot.State == Empty)
            {
                return -1;
            }

            if (slot.State == Full && slot.Hash == hash && KeyEquality.Equals(slot.Key, key))
            {
                return i;
            }
        }

        return -1;
    }

    private static int Hash(TKey key) => KeyEquality.GetHashCode(key) & int.MaxValue;

    // At most half full after a build or a resize; a resize at three quarters (live rows and tombstones).
    private static int CapacityFor(int count)
    {
        var capacity = 16;
        while (capacity < count * 2)
        {
            capacity <<= 1;
        }

        return capacity;
    }

    // A new array with the live rows only (tombstones dropped), published whole: a reader still probing the old one
    // sees no change in it.
    private void Resize()
    {
        var old = _slots;
        var slots = new Slot[CapacityFor(_count)];
        var mask = slots.Length - 1;
        foreach (var slot in old)
        {
            if (slot.State != Full)
            {
                continue;
            }

            var i = slot.Hash & mask;
            while (slots[i].State != Empty)
            {
                i = (i + 1) & mask;
            }

            slots[i] = slot;
        }

        _used = _count;
        Volatile.Write(ref _slots, slots);
    }

    private struct Slot
    {
        public TKey Key;
        public TRow Row;
        public int Hash;
        public byte State;
    }
}
