using PenguinMails.Infrastructure.Core.Testing;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.InMemoryStore;

/// <summary>
/// The in-memory store's table versions and secondary indexes against their definitions: after random inserts,
/// updates, deletes and bulk loads, every index equals the index recomputed from the rows, a seek resumes exactly after
/// its key (present or not), older versions are unchanged, and the uuid order is PostgreSQL's.
/// </summary>
public sealed class InMemoryTableTests
{
    private sealed record Row(Guid Id, int Group, int Rank, bool Indexed);

    private static readonly GroupIndex<Guid, Row, int, Guid> ByGroup = GroupIndex.ByKey<Row, int>(static r => (r.Indexed, r.Group));

    private static readonly GroupIndex<Guid, Row, int, (int Rank, Guid Id)> ByRank = new(
        static r => (true, r.Group % 3),
        static (key, r) => (r.Rank, key),
        Comparer<(int Rank, Guid Id)>.Create(static (x, y) => x.Rank != y.Rank ? x.Rank.CompareTo(y.Rank) : UuidOrder.Instance.Compare(x.Id, y.Id))
    );

    private static readonly TableDef<Guid, Row> Rows = new("rows", UuidOrder.Instance, ByGroup, ByRank);

    [Fact]
    public void UuidOrder_Compare_IsPostgresUuidOrder()
    {
        var rng = new Random(5);
        var bytes = new byte[16];
        var guids = new List<Guid>();
        for (var i = 0; i < 2000; i++)
        {
            rng.NextBytes(bytes);
            guids.Add(new Guid(bytes));
        }

        // Pairs that differ in one byte only, at every position, each way.
        for (var position = 0; position < 16; position++)
        {
            var low = new byte[16];
            var high = new byte[16];
            high[position] = 0x80;
            low[position] = 0x7F;
            guids.Add(new Guid(low, bigEndian: true));
            guids.Add(new Guid(high, bigEndian: true));
        }

        for (var i = 0; i < guids.Count; i++)
        {
            var a = guids[i];
            var b = guids[(i * 31 + 7) % guids.Count];
            Assert.Equal(Math.Sign(ContinuationToken.CompareUuid(a, b)), Math.Sign(UuidOrder.Instance.Compare(a, b)));
            Assert.Equal(Math.Sign(ContinuationToken.CompareUuid(b, a)), Math.Sign(UuidOrder.Instance.Compare(b, a)));
        }

        Assert.Equal(0, UuidOrder.Instance.Compare(guids[3], guids[3]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Table_RandomWrites_IndexesAndSeeksEqualTheirDefinitions(int seed)
    {
        var rng = new Random(seed);
        var table = Rows.Empty;
        var model = new Dictionary<Guid, Row>();
        var versions = new List<(Table<Guid, Row> Table, Dictionary<Guid, Row> Model)>();
        for (var step = 0; step < 600; step++)
        {
            var op = rng.Next(10);
            if (op < 4 || model.Count == 0)
            {
                var row = NewRow(rng, Guid.NewGuid());
                table = table.Add(row.Id, row);
                model[row.Id] = row;
            }
            else if (op < 7)
            {
                var id = model.Keys.ElementAt(rng.Next(model.Count));
                var row = NewRow(rng, id);
                table = table.SetItem(id, row);
                model[id] = row;
            }
            else if (op < 9)
            {
                var id = rng.Next(4) == 0 ? Guid.NewGuid() : model.Keys.ElementAt(rng.Next(model.Count));
                table = table.Remove(id);
                model.Remove(id);
            }
            else
            {
                var bulk = Enumerable.Range(0, rng.Next(0, 20)).Select(_ => NewRow(rng, Guid.NewGuid())).ToList();
                table = table.AddRange(bulk.Select(r => new KeyValuePair<Guid, Row>(r.Id, r)));
                bulk.ForEach(r => model[r.Id] = r);
            }

            if (step % 50 == 0)
            {
                versions.Add((table, new Dictionary<Guid, Row>(model)));
            }

            if (step % 10 == 0)
            {
                AssertMatches(table, model, rng);
            }
        }

        foreach (var (version, expected) in versions)
        {
            AssertMatches(version, expected, rng);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Table_GetByKey_EveryVersionReadsItsOwnRowsWhileTheLookupFollowsTheNewestCommitted(int seed)
    {
        var rng = new Random(seed);
        var rows = Enumerable.Range(0, 400).Select(_ => NewRow(rng, Guid.NewGuid())).ToList();
        var table = Rows.Empty.AddRange(rows.Select(r => KeyValuePair.Create(r.Id, r)));
        var model = rows.ToDictionary(r => r.Id);

        // Tree reads past the threshold (32 + an eighth of the rows) build the version's own lookup.
        Assert.False(table.OwnsLookup);
        ReadAll(table, model);
        Assert.True(table.OwnsLookup);

        var versions = new List<(Table<Guid, Row> Table, Dictionary<Guid, Row> Model)>();
        var committed = table;
        for (var step = 0; step < 3000; step++)
        {
            var previous = table;
            var previousOwned = table.OwnsLookup;
            var op = rng.Next(10);
            if (op < 4 || model.Count == 0)
            {
                var row = NewRow(rng, Guid.NewGuid());
                table = table.Add(row.Id, row);
                model[row.Id] = row;
            }
            else if (op < 7)
            {
                var id = model.Keys.ElementAt(rng.Next(model.Count));
                table = table.SetItem(id, NewRow(rng, id));
                model[id] = table[id];
            }
            else if (op < 9)
            {
                var id = model.Keys.ElementAt(rng.Next(model.Count));
                table = table.Remove(id);
                model.Remove(id);
            }
            else
            {
                var bulk = Enumerable.Range(0, rng.Next(1, 30)).Select(_ => NewRow(rng, Guid.NewGuid())).ToList();
                table = table.AddRange(bulk.Select(r => KeyValuePair.Create(r.Id, r)));
                bulk.ForEach(r => model[r.Id] = r);
            }

            if (op == 9 && previousOwned)
            {
                // A bulk load takes the lookup over at once.
                Assert.True(table.OwnsLookup);
                Assert.False(previous.OwnsLookup);
                committed = table;
            }
            else
            {
                // A single write borrows the lookup of the committed version, which keeps it until the new one commits.
                Assert.True(table.BorrowsLookup);
                Assert.True(committed.OwnsLookup);
                if (rng.Next(3) == 0)
                {
                    table.AdoptLookup();
                    Assert.True(table.OwnsLookup);
                    Assert.False(committed.OwnsLookup);
                    committed = table;
                }
            }

            if (step % 100 == 0)
            {
                versions.Add((table, new Dictionary<Guid, Row>(model)));
                ReadAll(table, model);
            }
        }

        // Older versions answer from their trees, then (read often enough) from lookups of their own, and still
        // give their own rows; the newest keeps its lookup.
        foreach (var (version, expected) in versions)
        {
            ReadAll(version, expected);
            ReadAll(version, expected);
        }

        Assert.True(versions[0].Table.OwnsLookup);
        ReadAll(table, model);
        Assert.True(table.OwnsLookup || table.BorrowsLookup);
    }

    [Fact]
    public void Table_WritesThatNeverCommit_LeaveTheCommittedVersionItsLookup()
    {
        var rng = new Random(4);
        var rows = Enumerable.Range(0, 400).Select(_ => NewRow(rng, Guid.NewGuid())).ToList();
        var committed = Rows.Empty.AddRange(rows.Select(r => KeyValuePair.Create(r.Id, r)));
        var model = rows.ToDictionary(r => r.Id);
        ReadAll(committed, model);
        Assert.True(committed.OwnsLookup);

        // A unit of work's writes, then a rollback: its versions are dropped, the committed one keeps its lookup.
        for (var unit = 0; unit < 20; unit++)
        {
            var table = committed;
            var unitModel = new Dictionary<Guid, Row>(model);
            for (var write = 0; write < 10; write++)
            {
                var id = rows[rng.Next(rows.Count)].Id;
                table = rng.Next(2) == 0 ? table.Remove(id) : table.SetItem(id, NewRow(rng, id));
                if (table.TryGetFromTree(id, out var row))
                {
                    unitModel[id] = row;
                }
                else
                {
                    unitModel.Remove(id);
                }
            }

            Assert.True(table.BorrowsLookup);
            ReadAll(table, unitModel);
            Assert.True(committed.OwnsLookup);
            ReadAll(committed, model);
        }

        // A commit after them takes the lookup over with its writes applied.
        var next = committed.SetItem(rows[0].Id, NewRow(rng, rows[0].Id)).Remove(rows[1].Id);
        next.AdoptLookup();
        model[rows[0].Id] = next[rows[0].Id];
        model.Remove(rows[1].Id);
        Assert.True(next.OwnsLookup);
        Assert.False(committed.OwnsLookup);
        ReadAll(next, model);
        Assert.False(next.ContainsKey(rows[1].Id));
    }

    [Fact]
    public async Task Table_GetByKey_ReadersOfEveryVersionSeeTheirOwnRowsWhileTheNewestIsWritten()
    {
        var rng = new Random(9);
        var seedRows = Enumerable.Range(0, 2000).Select(_ => NewRow(rng, Guid.NewGuid())).ToList();
        var keys = seedRows.Select(r => r.Id).ToArray();
        var first = Rows.Empty.AddRange(seedRows.Select(r => KeyValuePair.Create(r.Id, r)));
        ReadAll(first, seedRows.ToDictionary(r => r.Id));
        var published = new Table<Guid, Row>[64];
        Array.Fill(published, first);
        var newest = first;
        var done = 0;
        var writer = Task.Run(() =>
        {
            var writes = new Random(10);
            var table = first;
            for (var step = 0; step < 40_000; step++)
            {
                var id = keys[writes.Next(keys.Length)];
                var previous = table;

                // Updates, deletes and re-inserts of the same keys, and new keys that make the lookup grow.
                table = writes.Next(4) switch
                {
                    0 => table.Remove(id),
                    1 => table.SetItem(Guid.NewGuid(), NewRow(writes, Guid.NewGuid())),
                    _ => table.SetItem(id, NewRow(writes, id)),
                };
                if (!ReferenceEquals(table, previous) && writes.Next(3) != 0)
                {
                    // Committed before anyone reads it (a delete of a missing key returns the published version itself,
                    // which must not adopt): takes the lookup over from the version it borrows from.
                    table.AdoptLookup();
                }

                Volatile.Write(ref published[step % published.Length], table);
                Volatile.Write(ref newest, table);
            }

            Volatile.Write(ref done, 1);
        });

        var mismatches = 0L;
        var reads = 0L;
        var readers = Enumerable
            .Range(0, 2)
            .Select(r => Task.Run(() =>
            {
                var picks = new Random(20 + r);
                while (Volatile.Read(ref done) == 0)
                {
                    var version = picks.Next(2) == 0 ? Volatile.Read(ref newest) : Volatile.Read(ref published[picks.Next(published.Length)]);
                    for (var i = 0; i < 64; i++)
                    {
                        var key = keys[picks.Next(keys.Length)];
                        var found = version.TryGetValue(key, out var row);
                        var expected = version.TryGetFromTree(key, out var expectedRow);
                        if (found != expected || !Equals(row, expectedRow))
                        {
                            Interlocked.Increment(ref mismatches);
                        }

                        Interlocked.Increment(ref reads);
                    }
                }
            }))
            .ToArray();

        await writer;
        await Task.WhenAll(readers);
        Assert.True(reads > 0);
        Assert.Equal(0, mismatches);
    }

    private static void ReadAll(Table<Guid, Row> table, Dictionary<Guid, Row> model)
    {
        foreach (var (id, row) in model)
        {
            Assert.True(table.TryGetValue(id, out var found));
            Assert.Equal(row, found);
            Assert.True(table.ContainsKey(id));
        }

        Assert.False(table.TryGetValue(Guid.NewGuid(), out _));
        Assert.Null(table.GetValueOrDefault(Guid.NewGuid()));
    }

    private static Row NewRow(Random rng, Guid id) => new(id, rng.Next(5), rng.Next(4), rng.Next(5) != 0);

    private static void AssertMatches(Table<Guid, Row> table, Dictionary<Guid, Row> model, Random rng)
    {
        var ordered = model.Values.OrderBy(r => r.Id, UuidOrder.Instance).ToList();
        Assert.Equal(ordered, table.Values);
        Assert.Equal(ordered.Count, table.Count);
        foreach (var group in Enumerable.Range(0, 5))
        {
            Assert.Equal(ordered.Where(r => r.Indexed && r.Group == group).Select(r => r.Id), ByGroup.Get(table, group).ToList());
            var ranked = ordered.Where(r => r.Group % 3 == group).Select(r => (r.Rank, r.Id)).OrderBy(e => e.Rank).ThenBy(e => e.Id, UuidOrder.Instance);
            Assert.Equal(group < 3 ? ranked.ToList() : [], ByRank.Get(table, group).ToList());
        }

        Assert.DoesNotContain(ByGroup.Groups(table), g => g.Value.IsEmpty);
        for (var i = 0; i < 5; i++)
        {
            // A key in the table, or one that is not (a deleted row's token).
            var after = ordered.Count > 0 && rng.Next(2) == 0 ? ordered[rng.Next(ordered.Count)].Id : Guid.NewGuid();
            var expected = ordered.Where(r => UuidOrder.Instance.Compare(r.Id, after) > 0).ToList();
            Assert.Equal(expected, table.RowsAfter(true, after));
            Assert.Equal(expected.Where(r => r.Indexed && r.Group == 1).Select(r => r.Id), GroupIndex.KeysAfter(ByGroup.Get(table, 1), after));
        }
    }
}
