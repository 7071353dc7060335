namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The behaviour every <see cref="IUserPreferencesRepository"/> must have: derive from this class and return the store
/// under test from <c>CreateStoreAsync</c>. The package's PostgreSQL and in-memory stores pass it.
/// </summary>
public abstract class UserPreferencesRepositoryContract : IAsyncLifetime
{
    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    private IUserPreferencesRepository Repo => Store.UserPreferences;

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private async Task<UserPreferences> NewPreferencesAsync()
    {
        var user = UserId.New();
        await Store.AddUserAsync(user);
        return new UserPreferences
        {
            UserId = user,
            Theme = "dark",
            Language = "pt-BR",
            Timezone = "Europe/Paris",
            EmailNotifications = false,
            PushNotifications = true,
            WeeklyReports = true,
            MarketingEmails = true,
        };
    }

    [Fact]
    public async Task AddAsync_NewRow_StoresEveryColumnAndStampsTimesFromClock()
    {
        var now = Store.Clock.GetUtcNow();
        var preferences = await NewPreferencesAsync();

        var stored = await Repo.AddAsync(preferences);

        Assert.Equal(preferences with { Created = now, Updated = now }, stored);
        Assert.Equal(stored, await Repo.GetAsync(preferences.Id));
        Assert.Equal(stored, await Repo.GetByUserIdAsync(preferences.UserId));
    }

    [Fact]
    public async Task AddAsync_Default_StoresTheSeedDefaults()
    {
        var user = (await NewPreferencesAsync()).UserId;

        var stored = await Repo.AddAsync(UserPreferences.Default(user));

        Assert.Equal(("light", "en", "UTC"), (stored.Theme, stored.Language, stored.Timezone));
        Assert.Equal((true, true, false, false), (stored.EmailNotifications, stored.PushNotifications, stored.WeeklyReports, stored.MarketingEmails));
    }

    [Fact]
    public async Task AddAsync_InvalidFields_ThrowsListingEveryFieldAndStoresNothing()
    {
        var preferences = await NewPreferencesAsync() with { Theme = "Dark Mode", Language = "not a tag", Timezone = "Mars/Olympus" };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(preferences));

        Assert.Equal(["theme", "language", "timezone"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Repo.GetAsync(preferences.Id));
    }

    [Fact]
    public async Task AddAsync_SecondRowForUser_ThrowsDuplicateNamingUserId()
    {
        var first = await Repo.AddAsync(await NewPreferencesAsync());
        var second = UserPreferences.Default(first.UserId);

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(second));

        Assert.Equal("UserPreferences", ex.Entity);
        Assert.Equal("user_id", ex.Key);
        Assert.Null(await Repo.GetAsync(second.Id));
        Assert.Equal(first, await Repo.GetByUserIdAsync(first.UserId));
    }

    [Fact]
    public async Task AddAsync_DuplicateId_ThrowsDuplicatePrimaryKey()
    {
        var first = await Repo.AddAsync(await NewPreferencesAsync());

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(first with { UserId = UserId.New() }));

        Assert.Equal("primary key", ex.Key);
    }

    [Fact]
    public async Task AddAsync_UnknownUser_ThrowsReferencedEntityMissing()
    {
        var preferences = UserPreferences.Default(UserId.New());

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.AddAsync(preferences));

        Assert.Equal("UserPreferences", ex.Entity);
        Assert.Equal("user_id", ex.Field);
        Assert.Equal("users", ex.ReferencedTable);
        Assert.Null(await Repo.GetByUserIdAsync(preferences.UserId));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Repo.GetAsync(UserPreferencesId.New()));
        Assert.Null(await Repo.GetByUserIdAsync(UserId.New()));
    }

    [Fact]
    public async Task UpdateAsync_Fresh_WritesColumnsKeepsCreatedAndMovesUpdated()
    {
        var stored = await Repo.AddAsync(await NewPreferencesAsync());
        Store.Clock.Advance(TimeSpan.FromHours(1));

        var updated = await Repo.UpdateAsync(stored with { Theme = "light", Language = "en-GB", Timezone = "America/New_York", MarketingEmails = false });

        Assert.Equal(stored with { Theme = "light", Language = "en-GB", Timezone = "America/New_York", MarketingEmails = false, Updated = stored.Updated + TimeSpan.FromHours(1) }, updated);
        Assert.Equal(updated, await Repo.GetByUserIdAsync(stored.UserId));
    }

    [Fact]
    public async Task UpdateAsync_ClockStandsStill_StillMovesUpdated()
    {
        var stored = await Repo.AddAsync(await NewPreferencesAsync());

        var updated = await Repo.UpdateAsync(stored with { WeeklyReports = false });

        Assert.Equal(stored.Updated + TimeSpan.FromMicroseconds(1), updated.Updated);
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_ThrowsConflictAndKeepsTheFirstWrite()
    {
        var stored = await Repo.AddAsync(await NewPreferencesAsync());
        var first = await Repo.UpdateAsync(stored with { Theme = "first" });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(stored with { Theme = "second" }));

        Assert.Equal(stored.Id.ToString(), ex.Id);
        Assert.Equal(first, await Repo.GetAsync(stored.Id));
    }

    [Fact]
    public async Task UpdateAsync_ChangedUser_ThrowsValidationImmutable()
    {
        var stored = await Repo.AddAsync(await NewPreferencesAsync());
        var other = (await NewPreferencesAsync()).UserId;

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(stored with { UserId = other }));

        Assert.Equal(("user_id", "immutable"), (Assert.Single(ex.Errors).Field, ex.Errors[0].Rule));
        Assert.Equal(stored, await Repo.GetAsync(stored.Id));
    }

    [Fact]
    public async Task UpdateAsync_MissingOrInvalid_Throws()
    {
        var stored = await Repo.AddAsync(await NewPreferencesAsync());

        await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.UpdateAsync(stored with { Id = UserPreferencesId.New() }));
        await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(stored with { Timezone = "Nowhere/Special" }));

        Assert.Equal(stored, await Repo.GetAsync(stored.Id));
    }

    [Fact]
    public async Task UpdateAsync_ThirtyTwoReadModifyWriteLoops_LoseNoUpdate()
    {
        var stored = await Repo.AddAsync(await NewPreferencesAsync() with { Theme = "t0" });

        await Task.WhenAll(
            Enumerable
                .Range(0, 32)
                .Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        var current = (await Repo.GetAsync(stored.Id))!;
                        var n = int.Parse(current.Theme.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                        try
                        {
                            await Repo.UpdateAsync(current with { Theme = "t" + (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) });
                            return;
                        }
                        catch (ConcurrencyConflictException)
                        {
                            // Lost the race: read again and retry.
                        }
                    }
                }))
        );

        Assert.Equal("t32", (await Repo.GetAsync(stored.Id))!.Theme);
    }

    [Fact]
    public async Task CountAsync_AddsAndDeletes_CountsEveryRow()
    {
        var before = await Repo.CountAsync();
        var first = await Repo.AddAsync(await NewPreferencesAsync());
        await Repo.AddAsync(await NewPreferencesAsync());

        Assert.Equal(before + 2, await Repo.CountAsync());
        Assert.True(await Repo.DeleteAsync(first.Id));
        Assert.Equal(before + 1, await Repo.CountAsync());
    }

    [Fact]
    public async Task ListAsync_Pages_VisitEachRowOnceInIdOrder()
    {
        var expected = new List<UserPreferencesId>();
        for (var i = 0; i < 7; i++)
        {
            expected.Add((await Repo.AddAsync(await NewPreferencesAsync())).Id);
        }

        var seen = new List<UserPreferencesId>();
        var page = await Repo.ListAsync(new PageRequest(3));
        seen.AddRange(page.Items.Select(p => p.Id));
        while (page.ContinuationToken is not null)
        {
            page = await Repo.ListAsync(new PageRequest(3, page.ContinuationToken));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(p => p.Id));
        }

        Assert.Equal(seen.Distinct(), seen);
        Assert.Equal(seen.OrderBy(id => id.Value.ToString()), seen);
        Assert.True(expected.All(seen.Contains));
        Assert.Equal(await Repo.CountAsync(), seen.Count);
        await Assert.ThrowsAsync<ArgumentException>(() => Repo.ListAsync(new PageRequest(10, "bad!")));
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesOnceAndFreesTheUser()
    {
        var stored = await Repo.AddAsync(await NewPreferencesAsync());

        Assert.True(await Repo.DeleteAsync(stored.Id));
        Assert.False(await Repo.DeleteAsync(stored.Id));
        Assert.Null(await Repo.GetByUserIdAsync(stored.UserId));
        Assert.NotNull(await Repo.AddAsync(UserPreferences.Default(stored.UserId)));
    }

    [Fact]
    public async Task UnitOfWork_CommitAndRollback()
    {
        var kept = await NewPreferencesAsync();
        var dropped = await NewPreferencesAsync();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            var added = await uow.UserPreferences.AddAsync(kept);
            await uow.UserPreferences.UpdateAsync(added with { Theme = "solarized" });
            await uow.CommitAsync();
        }

        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.UserPreferences.AddAsync(dropped);
            await uow.UserPreferences.DeleteAsync(kept.Id);
            await uow.RollbackAsync();
        }

        Assert.Equal("solarized", (await Repo.GetByUserIdAsync(kept.UserId))!.Theme);
        Assert.Null(await Repo.GetByUserIdAsync(dropped.UserId));
    }

    [Fact]
    public async Task UnitOfWork_DuplicateUser_AbortsAndCommitsNothing()
    {
        var existing = await Repo.AddAsync(await NewPreferencesAsync());
        var first = await NewPreferencesAsync();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.UserPreferences.AddAsync(first);
            var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => uow.UserPreferences.AddAsync(UserPreferences.Default(existing.UserId)));
            Assert.Equal("user_id", ex.Key);
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        Assert.Null(await Repo.GetAsync(first.Id));
    }
}
