namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The behaviour every <see cref="ITenantPoliciesRepository"/> must have: derive from this class and return the store
/// under test from <c>CreateStoreAsync</c>. The package's PostgreSQL and in-memory stores pass it.
/// </summary>
public abstract class TenantPoliciesRepositoryContract : IAsyncLifetime
{
    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    private ITenantPoliciesRepository Repo => Store.TenantPolicies;

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private async Task<TenantId> NewTenantAsync(Guid? id = null)
    {
        var tenant = new TenantId(id ?? Guid.CreateVersion7());
        await Store.AddTenantAsync(tenant);
        return tenant;
    }

    private async Task<TenantPolicies> NewPoliciesAsync() =>
        new()
        {
            TenantId = await NewTenantAsync(),
            PasswordMinLength = 12,
            PasswordRequireUppercase = true,
            PasswordRequireNumbers = true,
            PasswordRequireSymbols = true,
            SessionTimeoutHours = 24,
            MaxLoginAttempts = 3,
            TwoFactorRequired = true,
            CompanyDefaultStatus = "pending_review",
            CompanyAllowMemberInvites = false,
            CompanyAutoApproveMembers = true,
            CompanyRequireEmailVerification = false,
        };

    [Fact]
    public async Task AddAsync_NewRow_StoresEveryColumnAndStampsTimesFromClock()
    {
        var now = Store.Clock.GetUtcNow();
        var policies = await NewPoliciesAsync();

        var stored = await Repo.AddAsync(policies);

        Assert.Equal(policies with { Created = now, Updated = now }, stored);
        Assert.Equal(stored, await Repo.GetAsync(policies.TenantId));
    }

    [Fact]
    public async Task AddAsync_Default_StoresTheSeedDefaults()
    {
        var tenant = await NewTenantAsync();

        var stored = await Repo.AddAsync(TenantPolicies.Default(tenant));

        Assert.Equal((8, 8, 5, "active"), (stored.PasswordMinLength, stored.SessionTimeoutHours, stored.MaxLoginAttempts, stored.CompanyDefaultStatus));
        Assert.Equal(TenantPolicies.Default(tenant) with { Created = stored.Created, Updated = stored.Updated }, stored);
    }

    [Fact]
    public async Task AddAsync_InvalidFields_ThrowsListingEveryFieldAndStoresNothing()
    {
        var policies = await NewPoliciesAsync() with { PasswordMinLength = 0, SessionTimeoutHours = 8761, MaxLoginAttempts = 101, CompanyDefaultStatus = "Not Snake" };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(policies));

        Assert.Equal(["password_min_length", "session_timeout_hours", "max_login_attempts", "company_default_status"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Repo.GetAsync(policies.TenantId));
    }

    [Fact]
    public async Task AddAsync_SecondRowForTenant_ThrowsDuplicate()
    {
        var first = await Repo.AddAsync(await NewPoliciesAsync());

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(TenantPolicies.Default(first.TenantId)));

        Assert.Equal("TenantPolicies", ex.Entity);
        Assert.Equal("primary key", ex.Key);
        Assert.Equal(first, await Repo.GetAsync(first.TenantId));
    }

    [Fact]
    public async Task AddAsync_UnknownTenant_ThrowsReferencedEntityMissing()
    {
        var policies = TenantPolicies.Default(TenantId.New());

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.AddAsync(policies));

        Assert.Equal("TenantPolicies", ex.Entity);
        Assert.Equal("tenant_id", ex.Field);
        Assert.Equal("tenants", ex.ReferencedTable);
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Repo.GetAsync(TenantId.New()));
    }

    [Fact]
    public async Task UpdateAsync_Fresh_WritesColumnsKeepsCreatedAndMovesUpdated()
    {
        var stored = await Repo.AddAsync(await NewPoliciesAsync());
        var changed = stored with { PasswordMinLength = 16, TwoFactorRequired = false, CompanyDefaultStatus = "active" };

        var updated = await Repo.UpdateAsync(changed);

        Assert.Equal(changed with { Updated = stored.Updated + TimeSpan.FromMicroseconds(1) }, updated);
        Assert.Equal(updated, await Repo.GetAsync(stored.TenantId));
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_ThrowsConflictAndKeepsTheFirstWrite()
    {
        var stored = await Repo.AddAsync(await NewPoliciesAsync());
        var first = await Repo.UpdateAsync(stored with { MaxLoginAttempts = 10 });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(stored with { MaxLoginAttempts = 20 }));

        Assert.Equal(stored.TenantId.ToString(), ex.Id);
        Assert.Equal(first, await Repo.GetAsync(stored.TenantId));
    }

    [Fact]
    public async Task UpdateAsync_MissingOrInvalid_Throws()
    {
        var stored = await Repo.AddAsync(await NewPoliciesAsync());

        await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.UpdateAsync(TenantPolicies.Default(TenantId.New())));
        await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(stored with { PasswordMinLength = 129 }));

        Assert.Equal(stored, await Repo.GetAsync(stored.TenantId));
    }

    [Fact]
    public async Task UpdateAsync_ThirtyTwoReadModifyWriteLoops_LoseNoUpdate()
    {
        var stored = await Repo.AddAsync(await NewPoliciesAsync() with { MaxLoginAttempts = 1 });

        await Task.WhenAll(
            Enumerable
                .Range(0, 32)
                .Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        var current = (await Repo.GetAsync(stored.TenantId))!;
                        try
                        {
                            await Repo.UpdateAsync(current with { MaxLoginAttempts = current.MaxLoginAttempts + 1 });
                            return;
                        }
                        catch (ConcurrencyConflictException)
                        {
                            // Lost the race: read again and retry.
                        }
                    }
                }))
        );

        Assert.Equal(33, (await Repo.GetAsync(stored.TenantId))!.MaxLoginAttempts);
    }

    [Fact]
    public async Task ListAsync_PagesWithInsertsBetween_VisitEachRowOnceInOrder()
    {
        var expected = new List<TenantId>();
        for (var i = 0; i < 7; i++)
        {
            expected.Add((await Repo.AddAsync(await NewPoliciesAsync())).TenantId);
        }

        var seen = new List<TenantId>();
        var page = await Repo.ListAsync(new PageRequest(3));
        seen.AddRange(page.Items.Select(p => p.TenantId));
        var late = (await Repo.AddAsync(TenantPolicies.Default(await NewTenantAsync(Guid.Parse("ffffffff-ffff-ffff-ffff-fffffffffff2"))))).TenantId;
        var early = (await Repo.AddAsync(TenantPolicies.Default(await NewTenantAsync(Guid.Parse("00000000-0000-0000-0000-000000000012"))))).TenantId;
        while (page.ContinuationToken is not null)
        {
            page = await Repo.ListAsync(new PageRequest(3, page.ContinuationToken));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(p => p.TenantId));
        }

        Assert.Equal(seen.Distinct(), seen);
        Assert.Equal(seen.OrderBy(id => id.Value.ToString()), seen);
        Assert.Contains(late, seen);
        Assert.DoesNotContain(early, seen);
        Assert.True(expected.All(seen.Contains));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(new PageRequest(0)));
    }

    [Fact]
    public async Task CountAsync_AddsAndDeletes_CountsEveryRow()
    {
        var before = await Repo.CountAsync();
        var first = await Repo.AddAsync(await NewPoliciesAsync());
        await Repo.AddAsync(await NewPoliciesAsync());

        Assert.Equal(before + 2, await Repo.CountAsync());
        Assert.True(await Repo.DeleteAsync(first.TenantId));
        Assert.Equal(before + 1, await Repo.CountAsync());
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesOnce()
    {
        var stored = await Repo.AddAsync(await NewPoliciesAsync());

        Assert.True(await Repo.DeleteAsync(stored.TenantId));
        Assert.False(await Repo.DeleteAsync(stored.TenantId));
        Assert.Null(await Repo.GetAsync(stored.TenantId));
    }

    [Fact]
    public async Task UnitOfWork_CommitAndRollback()
    {
        var kept = await NewPoliciesAsync();
        var dropped = await NewPoliciesAsync();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            var added = await uow.TenantPolicies.AddAsync(kept);
            await uow.TenantPolicies.UpdateAsync(added with { SessionTimeoutHours = 48 });
            await uow.CommitAsync();
        }

        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.TenantPolicies.AddAsync(dropped);
            await uow.TenantPolicies.DeleteAsync(kept.TenantId);
            // disposed without commit
        }

        Assert.Equal(48, (await Repo.GetAsync(kept.TenantId))!.SessionTimeoutHours);
        Assert.Null(await Repo.GetAsync(dropped.TenantId));
    }
}
