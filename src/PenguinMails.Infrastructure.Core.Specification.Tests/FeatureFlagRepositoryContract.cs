namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The behaviour every <see cref="IFeatureFlagRepository"/> must have: derive from this class and return the store
/// under test from <c>CreateStoreAsync</c>. The package's PostgreSQL and in-memory stores pass it.
/// </summary>
/// <remarks>Keys made here start with a letter, except the one "early" key of the paging test, which starts with <c>0000</c>.</remarks>
public abstract class FeatureFlagRepositoryContract : IAsyncLifetime
{
    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    private IFeatureFlagRepository Repo => Store.FeatureFlags;

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private static string UniqueKey(string prefix = "f") => prefix + "-" + Guid.NewGuid().ToString("N")[..16];

    private static FeatureFlag NewFlag(string? key = null) =>
        new() { Key = key ?? UniqueKey(), Description = "Nouvelle boîte — 新しい 🐧", IsEnabled = true, RolloutPercentage = 25 };

    private async Task<UserId> NewUserAsync()
    {
        var user = UserId.New();
        await Store.AddUserAsync(user);
        return user;
    }

    [Fact]
    public async Task AddAsync_NewFlag_StoresEveryColumnAndStampsUpdatedFromClock()
    {
        var now = Store.Clock.GetUtcNow();
        var flag = NewFlag() with { UpdatedBy = await NewUserAsync() };

        var stored = await Repo.AddAsync(flag);

        Assert.Equal(flag with { Updated = now }, stored);
        Assert.Equal(stored, await Repo.GetAsync(flag.Id));
        Assert.Equal(stored, await Repo.GetByKeyAsync(flag.Key));
    }

    [Fact]
    public async Task AddAsync_Defaults_AreTheSeedDefaults()
    {
        var stored = await Repo.AddAsync(new FeatureFlag { Key = UniqueKey() });

        Assert.False(stored.IsEnabled);
        Assert.Equal(0, stored.RolloutPercentage);
        Assert.Null(stored.Description);
        Assert.Null(stored.UpdatedBy);
    }

    [Fact]
    public async Task AddAsync_InvalidFields_ThrowsListingEveryFieldAndStoresNothing()
    {
        var flag = NewFlag() with { Key = "Has Space", RolloutPercentage = 101, UpdatedBy = new UserId(Guid.Empty) };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(flag));

        Assert.Equal(["key", "rollout_percentage", "updated_by"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Repo.GetAsync(flag.Id));
    }

    [Fact]
    public async Task AddAsync_DuplicateIdOrKey_ThrowsDuplicateNamingTheKey()
    {
        var flag = await Repo.AddAsync(NewFlag());

        var byId = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(NewFlag() with { Id = flag.Id }));
        var second = NewFlag(flag.Key);
        var byKey = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(second));

        Assert.Equal("FeatureFlag", byId.Entity);
        Assert.Equal("primary key", byId.Key);
        Assert.Equal("key", byKey.Key);
        Assert.Null(await Repo.GetAsync(second.Id));
    }

    [Fact]
    public async Task AddAsync_UnknownUpdatedBy_ThrowsReferencedEntityMissing()
    {
        var flag = NewFlag() with { UpdatedBy = UserId.New() };

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.AddAsync(flag));

        Assert.Equal("FeatureFlag", ex.Entity);
        Assert.Equal("updated_by", ex.Field);
        Assert.Equal("users", ex.ReferencedTable);
        Assert.Null(await Repo.GetAsync(flag.Id));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Repo.GetAsync(FeatureFlagId.New()));
        Assert.Null(await Repo.GetByKeyAsync(UniqueKey()));
    }

    [Fact]
    public async Task UpdateAsync_Fresh_WritesColumnsAndMovesUpdatedEvenWhenClockStandsStill()
    {
        var user = await NewUserAsync();
        var flag = await Repo.AddAsync(NewFlag());

        var updated = await Repo.UpdateAsync(flag with { Description = null, IsEnabled = false, RolloutPercentage = 100, UpdatedBy = user });

        Assert.Null(updated.Description);
        Assert.False(updated.IsEnabled);
        Assert.Equal(100, updated.RolloutPercentage);
        Assert.Equal(user, updated.UpdatedBy);
        Assert.Equal(flag.Updated + TimeSpan.FromMicroseconds(1), updated.Updated);
        Assert.Equal(updated, await Repo.GetAsync(flag.Id));
    }

    [Fact]
    public async Task UpdateAsync_ClockMoved_UsesClockForUpdated()
    {
        var flag = await Repo.AddAsync(NewFlag());
        Store.Clock.Advance(TimeSpan.FromSeconds(90));

        var updated = await Repo.UpdateAsync(flag with { RolloutPercentage = 50 });

        Assert.Equal(flag.Updated + TimeSpan.FromSeconds(90), updated.Updated);
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_ThrowsConflictAndKeepsTheFirstWrite()
    {
        var flag = await Repo.AddAsync(NewFlag());
        var first = await Repo.UpdateAsync(flag with { RolloutPercentage = 30 });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(flag with { RolloutPercentage = 40 }));

        Assert.Equal(flag.Id.ToString(), ex.Id);
        Assert.False(ex.IsTransient);
        Assert.Equal(first, await Repo.GetAsync(flag.Id));
    }

    [Fact]
    public async Task UpdateAsync_ChangedKey_ThrowsValidationImmutableAndKeepsRow()
    {
        var flag = await Repo.AddAsync(NewFlag());

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(flag with { Key = UniqueKey() }));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("key", error.Field);
        Assert.Equal("immutable", error.Rule);
        Assert.Equal(flag, await Repo.GetAsync(flag.Id));
    }

    [Fact]
    public async Task UpdateAsync_Missing_ThrowsNotFound()
    {
        var flag = NewFlag();

        var ex = await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.UpdateAsync(flag));

        Assert.Equal("FeatureFlag", ex.Entity);
        Assert.Equal(flag.Id.ToString(), ex.Id);
    }

    [Fact]
    public async Task UpdateAsync_InvalidOrUnknownUser_ThrowsAndKeepsRow()
    {
        var flag = await Repo.AddAsync(NewFlag());

        var invalid = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(flag with { RolloutPercentage = -1 }));
        var missing = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.UpdateAsync(flag with { UpdatedBy = UserId.New() }));

        Assert.Equal("rollout_percentage", Assert.Single(invalid.Errors).Field);
        Assert.Equal("updated_by", missing.Field);
        Assert.Equal(flag, await Repo.GetAsync(flag.Id));
    }

    [Fact]
    public async Task UpdateAsync_ThirtyTwoReadModifyWriteLoops_LoseNoUpdate()
    {
        var flag = await Repo.AddAsync(NewFlag() with { RolloutPercentage = 0 });

        await Task.WhenAll(
            Enumerable
                .Range(0, 32)
                .Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        var current = (await Repo.GetAsync(flag.Id))!;
                        try
                        {
                            await Repo.UpdateAsync(current with { RolloutPercentage = current.RolloutPercentage + 1 });
                            return;
                        }
                        catch (ConcurrencyConflictException)
                        {
                            // Lost the race: read again and retry.
                        }
                    }
                }))
        );

        var final = (await Repo.GetAsync(flag.Id))!;
        Assert.Equal(32, final.RolloutPercentage);
        Assert.True(final.Updated >= flag.Updated + TimeSpan.FromMicroseconds(32));
    }

    [Fact]
    public async Task ListAllAsync_ReturnsEveryFlagInOrdinalKeyOrder()
    {
        var prefix = UniqueKey("all");
        string[] suffixes = ["b", "a-2", "a.1", "a_3", "0", "z", "a"];
        foreach (var s in suffixes)
        {
            await Repo.AddAsync(NewFlag(prefix + s));
        }

        var all = await Repo.ListAllAsync();

        Assert.Equal(all.Select(f => f.Key).Order(StringComparer.Ordinal), all.Select(f => f.Key));
        Assert.Equal(suffixes.Select(s => prefix + s).Order(StringComparer.Ordinal), all.Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(f => f.Key));
        Assert.Equal(all.Count, await Repo.CountAsync());
        Assert.Equal(await Repo.GetByKeyAsync(prefix + "a"), all.Single(f => f.Key == prefix + "a"));
    }

    [Fact]
    public async Task CountAsync_FollowsAddsAndDeletes()
    {
        var before = await Repo.CountAsync();
        var a = await Repo.AddAsync(NewFlag());
        await Repo.AddAsync(NewFlag());

        Assert.Equal(before + 2, await Repo.CountAsync());
        await Repo.DeleteAsync(a.Id);
        Assert.Equal(before + 1, await Repo.CountAsync());
    }

    [Fact]
    public async Task ListAsync_PagesWithInsertsBetween_VisitEachRowOnceInKeyOrder()
    {
        var prefix = UniqueKey("m");
        var expected = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            expected.Add((await Repo.AddAsync(NewFlag(prefix + i))).Key);
        }

        var seen = new List<string>();
        var page = await Repo.ListAsync(new PageRequest(3));
        seen.AddRange(page.Items.Select(f => f.Key));
        // Inserted between pages: one sorting after every other key, one before every other key.
        var late = (await Repo.AddAsync(NewFlag(UniqueKey("zzzz")))).Key;
        var early = (await Repo.AddAsync(NewFlag(UniqueKey("0000")))).Key;
        while (page.ContinuationToken is not null)
        {
            page = await Repo.ListAsync(new PageRequest(3, page.ContinuationToken));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(f => f.Key));
        }

        Assert.Equal(seen.Distinct(), seen);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(expected, seen.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Contains(late, seen);
        Assert.DoesNotContain(early, seen);
    }

    [Fact]
    public async Task ListAsync_BadPageRequest_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(new PageRequest(0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(new PageRequest(1001)));
        await Assert.ThrowsAsync<ArgumentException>(() => Repo.ListAsync(new PageRequest(10, "not-a-token!")));
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesOnceAndFreesTheKey()
    {
        var flag = await Repo.AddAsync(NewFlag());

        Assert.True(await Repo.DeleteAsync(flag.Id));
        Assert.False(await Repo.DeleteAsync(flag.Id));
        Assert.Null(await Repo.GetAsync(flag.Id));
        Assert.NotNull(await Repo.AddAsync(NewFlag(flag.Key)));
    }

    [Fact]
    public async Task Operations_CancelledToken_ThrowOperationCanceledAndWriteNothing()
    {
        var flag = await Repo.AddAsync(NewFlag());
        var added = NewFlag();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Repo.GetAsync(flag.Id, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Repo.ListAllAsync(cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Repo.AddAsync(added, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Repo.UpdateAsync(flag with { RolloutPercentage = 99 }, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Repo.DeleteAsync(flag.Id, cts.Token));

        Assert.Null(await Repo.GetAsync(added.Id));
        Assert.Equal(flag, await Repo.GetAsync(flag.Id));
    }

    [Fact]
    public async Task UnitOfWork_Commit_MakesEveryOperationVisible()
    {
        FeatureFlag a, b;
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            a = await uow.FeatureFlags.AddAsync(NewFlag());
            b = await uow.FeatureFlags.AddAsync(NewFlag());
            a = await uow.FeatureFlags.UpdateAsync(a with { RolloutPercentage = 75 });
            Assert.Equal(a, await uow.FeatureFlags.GetByKeyAsync(a.Key));
            await uow.CommitAsync();
        }

        Assert.Equal(a, await Repo.GetAsync(a.Id));
        Assert.Equal(b, await Repo.GetAsync(b.Id));
    }

    [Fact]
    public async Task UnitOfWork_RollbackOrDispose_LeavesNoTrace()
    {
        var existing = await Repo.AddAsync(NewFlag());
        FeatureFlag added;
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            added = await uow.FeatureFlags.AddAsync(NewFlag());
            await uow.FeatureFlags.UpdateAsync(existing with { IsEnabled = false });
            await uow.RollbackAsync();
        }

        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.FeatureFlags.DeleteAsync(existing.Id);
            // disposed without commit
        }

        Assert.Null(await Repo.GetAsync(added.Id));
        Assert.Equal(existing, await Repo.GetAsync(existing.Id));
    }

    [Fact]
    public async Task UnitOfWork_AfterDatabaseError_IsAbortedAndCommitsNothing()
    {
        var first = NewFlag();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.FeatureFlags.AddAsync(first);
            await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => uow.FeatureFlags.AddAsync(NewFlag() with { UpdatedBy = UserId.New() }));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.FeatureFlags.GetAsync(first.Id));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        Assert.Null(await Repo.GetAsync(first.Id));
    }
}
