namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The behaviour every <see cref="ITenantConfigRepository"/> must have: derive from this class and return the store
/// under test from <c>CreateStoreAsync</c>. The package's PostgreSQL and in-memory stores pass it.
/// </summary>
public abstract class TenantConfigRepositoryContract : IAsyncLifetime
{
    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    private ITenantConfigRepository Repo => Store.TenantConfigs;

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private static readonly BillingAddress FullAddress = new()
    {
        Line1 = "Rua Augusta, 1500 — conj. 12",
        Line2 = "Straße \"B\" 🐧",
        City = "São Paulo",
        Region = "SP",
        PostalCode = "01304-001",
        Country = "BR",
    };

    private async Task<TenantId> NewTenantAsync(Guid? id = null)
    {
        var tenant = new TenantId(id ?? Guid.CreateVersion7());
        await Store.AddTenantAsync(tenant);
        return tenant;
    }

    private async Task<TenantConfig> NewConfigAsync() =>
        new()
        {
            TenantId = await NewTenantAsync(),
            StripeCustomerId = "cus_9s6XKzkNRiz8i3",
            BillingEmail = "billing@example.com",
            BillingAddress = FullAddress,
            NotifyOnBillingChanges = true,
            NotifyOnSystemUpdates = false,
            NotifyOnSecurityAlerts = true,
            ThemePrimaryColor = "#1A2B3C",
            ThemeLogoUrl = "https://cdn.example.com/logo.png",
            ThemeFaviconUrl = "https://cdn.example.com/favicon.ico",
            UiSidebarDefaultCollapsed = true,
            UiDateFormat = "dd/MM/yyyy",
            UiTimezone = "America/Sao_Paulo",
        };

    [Fact]
    public async Task AddAsync_NewRow_StoresEveryColumnAndStampsTimesFromClock()
    {
        var now = Store.Clock.GetUtcNow();
        var config = await NewConfigAsync();

        var stored = await Repo.AddAsync(config);

        Assert.Equal(config with { Created = now, Updated = now }, stored);
        Assert.Equal(stored, await Repo.GetAsync(config.TenantId));
    }

    [Fact]
    public async Task AddAsync_Default_StoresNullsAndFalses()
    {
        var tenant = await NewTenantAsync();

        var stored = await Repo.AddAsync(TenantConfig.Default(tenant));

        Assert.Equal(TenantConfig.Default(tenant) with { Created = stored.Created, Updated = stored.Updated }, stored);
        Assert.Null(stored.BillingAddress);
    }

    [Fact]
    public async Task BillingAddress_PartialAndNull_RoundTrip()
    {
        var config = await NewConfigAsync() with { BillingAddress = new BillingAddress { Line1 = "1 Main St", City = "Zürich", Country = "CH" } };
        var stored = await Repo.AddAsync(config);

        var read = await Repo.GetAsync(config.TenantId);
        var cleared = await Repo.UpdateAsync(read! with { BillingAddress = null });
        var restored = await Repo.UpdateAsync(cleared with { BillingAddress = FullAddress });

        Assert.Equal(config.BillingAddress, read!.BillingAddress);
        Assert.Null(read.BillingAddress!.Line2);
        Assert.Null(cleared.BillingAddress);
        Assert.Equal(FullAddress, restored.BillingAddress);
        Assert.Equal(restored, await Repo.GetAsync(config.TenantId));
        Assert.NotEqual(stored, restored);
    }

    [Fact]
    public async Task AddAsync_InvalidFields_ThrowsListingEveryFieldAndStoresNothing()
    {
        var config = await NewConfigAsync() with
        {
            BillingEmail = "not-an-email",
            ThemePrimaryColor = "red",
            BillingAddress = FullAddress with { Country = "UK" },
        };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(config));

        Assert.Equal(["billing_email", "theme_primary_color", "billing_address.country"], ex.Errors.Select(e => e.Field).Distinct());
        Assert.Null(await Repo.GetAsync(config.TenantId));
    }

    [Fact]
    public async Task AddAsync_SecondRowForTenant_ThrowsDuplicate()
    {
        var first = await Repo.AddAsync(await NewConfigAsync());

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(TenantConfig.Default(first.TenantId)));

        Assert.Equal("TenantConfig", ex.Entity);
        Assert.Equal("primary key", ex.Key);
        Assert.Equal(first, await Repo.GetAsync(first.TenantId));
    }

    [Fact]
    public async Task AddAsync_UnknownTenant_ThrowsReferencedEntityMissing()
    {
        var config = TenantConfig.Default(TenantId.New());

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.AddAsync(config));

        Assert.Equal("tenant_id", ex.Field);
        Assert.Equal("tenants", ex.ReferencedTable);
        Assert.Null(await Repo.GetAsync(config.TenantId));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Repo.GetAsync(TenantId.New()));
    }

    [Fact]
    public async Task UpdateAsync_Fresh_WritesColumnsKeepsCreatedAndMovesUpdated()
    {
        var stored = await Repo.AddAsync(await NewConfigAsync());
        Store.Clock.Advance(TimeSpan.FromDays(1));
        var changed = stored with { StripeCustomerId = null, NotifyOnSystemUpdates = true, ThemePrimaryColor = "#FFFFFF", UiTimezone = "UTC" };

        var updated = await Repo.UpdateAsync(changed);

        Assert.Equal(changed with { Updated = stored.Updated + TimeSpan.FromDays(1) }, updated);
        Assert.Equal(updated, await Repo.GetAsync(stored.TenantId));
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_ThrowsConflictAndKeepsTheFirstWrite()
    {
        var stored = await Repo.AddAsync(await NewConfigAsync());
        var first = await Repo.UpdateAsync(stored with { UiDateFormat = "yyyy-MM-dd" });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(stored with { UiDateFormat = "MM/dd/yyyy" }));

        Assert.Equal(stored.TenantId.ToString(), ex.Id);
        Assert.Equal(first, await Repo.GetAsync(stored.TenantId));
        Assert.Equal(stored.Updated + TimeSpan.FromMicroseconds(1), first.Updated);
    }

    [Fact]
    public async Task UpdateAsync_MissingOrInvalid_Throws()
    {
        var stored = await Repo.AddAsync(await NewConfigAsync());

        var missing = await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.UpdateAsync(TenantConfig.Default(TenantId.New())));
        await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(stored with { ThemeLogoUrl = "ftp://example.com/x" }));

        Assert.Equal("TenantConfig", missing.Entity);
        Assert.Equal(stored, await Repo.GetAsync(stored.TenantId));
    }

    [Fact]
    public async Task ListAsync_PagesWithInsertsBetween_VisitEachRowOnceInOrder()
    {
        var expected = new List<TenantId>();
        for (var i = 0; i < 7; i++)
        {
            expected.Add((await Repo.AddAsync(await NewConfigAsync())).TenantId);
        }

        var seen = new List<TenantId>();
        var page = await Repo.ListAsync(new PageRequest(3));
        seen.AddRange(page.Items.Select(c => c.TenantId));
        var late = (await Repo.AddAsync(TenantConfig.Default(await NewTenantAsync(Guid.Parse("ffffffff-ffff-ffff-ffff-fffffffffff1"))))).TenantId;
        var early = (await Repo.AddAsync(TenantConfig.Default(await NewTenantAsync(Guid.Parse("00000000-0000-0000-0000-000000000011"))))).TenantId;
        while (page.ContinuationToken is not null)
        {
            page = await Repo.ListAsync(new PageRequest(3, page.ContinuationToken));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(c => c.TenantId));
        }

        Assert.Equal(seen.Distinct(), seen);
        Assert.Equal(seen.OrderBy(id => id.Value.ToString()), seen);
        Assert.Contains(late, seen);
        Assert.DoesNotContain(early, seen);
        Assert.True(expected.All(seen.Contains));
        await Assert.ThrowsAsync<ArgumentException>(() => Repo.ListAsync(new PageRequest(10, "bad!")));
    }

    [Fact]
    public async Task CountAsync_AddsAndDeletes_CountsEveryRow()
    {
        var before = await Repo.CountAsync();
        var first = await Repo.AddAsync(await NewConfigAsync());
        await Repo.AddAsync(await NewConfigAsync());

        Assert.Equal(before + 2, await Repo.CountAsync());
        Assert.True(await Repo.DeleteAsync(first.TenantId));
        Assert.Equal(before + 1, await Repo.CountAsync());
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesOnce()
    {
        var stored = await Repo.AddAsync(await NewConfigAsync());

        Assert.True(await Repo.DeleteAsync(stored.TenantId));
        Assert.False(await Repo.DeleteAsync(stored.TenantId));
        Assert.Null(await Repo.GetAsync(stored.TenantId));
    }

    [Fact]
    public async Task UpdateAsync_ThirtyTwoReadModifyWriteLoops_LoseNoUpdate()
    {
        var stored = await Repo.AddAsync(await NewConfigAsync() with { UiDateFormat = "0" });

        await Task.WhenAll(
            Enumerable
                .Range(0, 32)
                .Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        var current = (await Repo.GetAsync(stored.TenantId))!;
                        var n = int.Parse(current.UiDateFormat!, System.Globalization.CultureInfo.InvariantCulture);
                        try
                        {
                            await Repo.UpdateAsync(current with { UiDateFormat = (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) });
                            return;
                        }
                        catch (ConcurrencyConflictException)
                        {
                            // Lost the race: read again and retry.
                        }
                    }
                }))
        );

        Assert.Equal("32", (await Repo.GetAsync(stored.TenantId))!.UiDateFormat);
    }

    [Fact]
    public async Task UnitOfWork_CommitRollbackAndAbort()
    {
        var committed = await NewConfigAsync();
        var rolledBack = await NewConfigAsync();
        var aborted = await NewConfigAsync();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.TenantConfigs.AddAsync(committed);
            await uow.TenantPolicies.AddAsync(TenantPolicies.Default(committed.TenantId));
            await uow.CommitAsync();
        }

        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.TenantConfigs.AddAsync(rolledBack);
            await uow.RollbackAsync();
        }

        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.TenantConfigs.AddAsync(aborted);
            await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => uow.TenantConfigs.AddAsync(TenantConfig.Default(TenantId.New())));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.TenantConfigs.GetAsync(aborted.TenantId));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        Assert.NotNull(await Repo.GetAsync(committed.TenantId));
        Assert.NotNull(await Store.TenantPolicies.GetAsync(committed.TenantId));
        Assert.Null(await Repo.GetAsync(rolledBack.TenantId));
        Assert.Null(await Repo.GetAsync(aborted.TenantId));
    }
}
