namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The behaviour every <see cref="IPermissionRepository"/> must have: derive from this class and return the store under
/// test from <c>CreateStoreAsync</c>. The package's PostgreSQL and in-memory stores pass it.
/// </summary>
public abstract class PermissionRepositoryContract : StaffContractBase
{
    private IPermissionRepository Repo => Store.Permissions;

    [Fact]
    public async Task SeededCatalog_IsPresentOnEveryStore()
    {
        var page = await Repo.ListAsync(null, new PageRequest(WellKnownPermissions.All.Count));

        Assert.Equal(
            WellKnownPermissions.All.Select(p => (p.Id, p.Name, p.Category, p.Description)),
            page.Items.Select(p => (p.Id.Value, p.Name, p.Category, p.Description!))
        );
        foreach (var known in WellKnownPermissions.All)
        {
            var byId = await Repo.GetAsync(new PermissionId(known.Id));
            Assert.NotNull(byId);
            Assert.Equal(byId, await Repo.GetByNameAsync(known.Name));
            Assert.NotEqual(default, byId.Created);
        }

        Assert.Equal(2, await Repo.CountAsync(new PermissionFilter("staff")));
        Assert.Equal(
            [WellKnownPermissions.TenantConfigRead, WellKnownPermissions.TenantConfigManage, WellKnownPermissions.TenantPoliciesRead, WellKnownPermissions.TenantPoliciesManage],
            (await Repo.ListAsync(new PermissionFilter("tenants"))).Items.Select(p => p.Name)
        );
    }

    [Fact]
    public async Task AddAsync_CatalogIdOrName_ThrowsDuplicate()
    {
        var byId = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(NewPermission(1)));
        var byName = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(NewPermission() with { Name = WellKnownPermissions.VpsRead }));

        Assert.Equal("Permission", byId.Entity);
        Assert.Equal("primary key", byId.Key);
        Assert.Equal("name", byName.Key);
    }

    [Fact]
    public async Task AddAsync_NewPermission_StoresEveryColumnAndStampsCreatedFromClock()
    {
        var now = Store.Clock.GetUtcNow();
        var permission = NewPermission() with { Description = null };

        var stored = await Repo.AddAsync(permission);

        Assert.Equal(permission with { Created = now }, stored);
        Assert.Equal(stored, await Repo.GetAsync(permission.Id));
        Assert.Equal(stored, await Repo.GetByNameAsync(permission.Name));
    }

    [Fact]
    public async Task AddAsync_DefaultCategory_IsGeneral()
    {
        var permission = new Permission { Id = new PermissionId(IdBlock()), Name = Unique("test.g") };

        var stored = await Repo.AddAsync(permission);

        Assert.Equal(Permission.DefaultCategory, stored.Category);
        Assert.Equal("general", (await Repo.GetAsync(permission.Id))!.Category);
    }

    [Fact]
    public async Task AddAsync_InvalidFields_ThrowsListingEveryFieldAndStoresNothing()
    {
        var permission = NewPermission() with { Id = new PermissionId(-4), Name = "Not A Name", Category = new string('c', 51) };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(permission));

        Assert.Equal("Permission", ex.Entity);
        Assert.Equal(["id", "name", "category"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Repo.GetByNameAsync(permission.Name));
    }

    [Fact]
    public async Task AddAsync_DuplicateName_ThrowsAndStoresNothing()
    {
        var first = await Repo.AddAsync(NewPermission());
        var second = NewPermission() with { Name = first.Name };

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(second));

        Assert.Equal("name", ex.Key);
        Assert.Null(await Repo.GetAsync(second.Id));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Repo.GetAsync(new PermissionId(IdBlock())));
        Assert.Null(await Repo.GetByNameAsync("none.such"));
    }

    [Fact]
    public async Task UpdateAsync_FreshSnapshot_WritesValuesAndKeepsCreated()
    {
        var permission = await Repo.AddAsync(NewPermission());
        Store.Clock.Advance(TimeSpan.FromDays(1));
        var category = Unique("c-");

        var updated = await Repo.UpdateAsync(permission, permission with { Name = Unique("test.r"), Description = null, Category = category });

        Assert.Null(updated.Description);
        Assert.Equal(category, updated.Category);
        Assert.Equal(permission.Created, updated.Created);
        Assert.Equal(updated, await Repo.GetAsync(permission.Id));
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_ThrowsConflictAndKeepsTheFirstWrite()
    {
        var permission = await Repo.AddAsync(NewPermission());
        var first = await Repo.UpdateAsync(permission, permission with { Category = Unique("c-") });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(permission, permission with { Description = "second" }));

        Assert.Equal("Permission", ex.Entity);
        Assert.Equal(permission.Id.ToString(), ex.Id);
        Assert.Equal(first, await Repo.GetAsync(permission.Id));
    }

    [Fact]
    public async Task UpdateAsync_MissingDifferentIdsInvalidOrTakenName_ThrowTypedErrors()
    {
        var a = await Repo.AddAsync(NewPermission());
        var b = await Repo.AddAsync(NewPermission());
        var missing = NewPermission();

        await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.UpdateAsync(missing, missing with { Description = "x" }));
        await Assert.ThrowsAsync<ArgumentException>(() => Repo.UpdateAsync(a, b));
        var invalid = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(a, a with { Name = "UPPER.case" }));
        var duplicate = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.UpdateAsync(b, b with { Name = a.Name }));

        Assert.Equal("name", Assert.Single(invalid.Errors).Field);
        Assert.Equal("name", duplicate.Key);
        Assert.Equal(a, await Repo.GetAsync(a.Id));
        Assert.Equal(b, await Repo.GetAsync(b.Id));
    }

    [Fact]
    public async Task UpdateAsync_ThirtyTwoRacersWithTheSameSnapshot_ExactlyOneWins()
    {
        var permission = await Repo.AddAsync(NewPermission());

        var outcomes = await RaceAsync(32, i => Repo.UpdateAsync(permission, permission with { Description = "racer " + i }));

        var winner = Assert.Single(Enumerable.Range(0, 32), i => outcomes[i] is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<ConcurrencyConflictException>(o));
        Assert.Equal("racer " + winner, (await Repo.GetAsync(permission.Id))!.Description);
    }

    [Fact]
    public async Task ListAsync_CategoryPagesWithInsertsBetween_VisitEachRowOnceInIdOrder()
    {
        var block = IdBlock();
        var category = Unique("c-");
        var expected = new List<PermissionId>();
        for (var i = 1; i <= 7; i++)
        {
            expected.Add((await Repo.AddAsync(NewPermission(block + (i * 10), category))).Id);
        }

        await Repo.AddAsync(NewPermission(block + 75));
        var filter = new PermissionFilter(category);
        var seen = new List<PermissionId>();
        var page = await Repo.ListAsync(filter, new PageRequest(3));
        seen.AddRange(page.Items.Select(p => p.Id));
        var late = (await Repo.AddAsync(NewPermission(block + 99, category))).Id;
        var early = (await Repo.AddAsync(NewPermission(block + 1, category))).Id;
        while (page.ContinuationToken is not null)
        {
            page = await Repo.ListAsync(filter, new PageRequest(3, page.ContinuationToken));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(p => p.Id));
        }

        Assert.Equal([.. expected, late], seen);
        Assert.DoesNotContain(early, seen);
        Assert.Equal(9, await Repo.CountAsync(filter));
    }

    [Fact]
    public async Task ListAsync_BadPageRequest_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(null, new PageRequest(0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(null, new PageRequest(1001)));
        await Assert.ThrowsAsync<ArgumentException>(() => Repo.ListAsync(null, new PageRequest(10, "not-a-token!")));
    }

    [Fact]
    public async Task CountAsync_All_FollowsAddsAndDeletes()
    {
        var before = await Repo.CountAsync();
        var added = await Repo.AddAsync(NewPermission());

        Assert.True(before >= WellKnownPermissions.All.Count);
        Assert.Equal(before + 1, await Repo.CountAsync());
        Assert.True(await Repo.DeleteAsync(added.Id));
        Assert.Equal(before, await Repo.CountAsync());
    }

    [Fact]
    public async Task DeleteAsync_Granted_ThrowsInUseUntilRevoked()
    {
        var permission = await Repo.AddAsync(NewPermission());
        var role = await Store.StaffRoles.AddAsync(NewRole());
        await Store.StaffRoles.GrantAsync(role.Id, permission.Id);

        var ex = await Assert.ThrowsAsync<EntityInUseException>(() => Repo.DeleteAsync(permission.Id));

        Assert.Equal("Permission", ex.Entity);
        Assert.Equal(permission.Id.ToString(), ex.Id);
        Assert.Equal("staff_role_permissions", ex.ReferencingTable);
        Assert.Equal(permission, await Repo.GetAsync(permission.Id));
        await Store.StaffRoles.RevokeAsync(role.Id, permission.Id);
        Assert.True(await Repo.DeleteAsync(permission.Id));
        Assert.False(await Repo.DeleteAsync(permission.Id));
        Assert.Null(await Repo.GetAsync(permission.Id));
    }

    [Fact]
    public async Task UnitOfWork_DeleteSeededPermission_IsVisibleInsideAndRolledBack()
    {
        var id = new PermissionId(WellKnownPermissions.All[^1].Id);
        var before = await Repo.CountAsync();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            Assert.True(await uow.Permissions.DeleteAsync(id));
            Assert.Null(await uow.Permissions.GetAsync(id));
            Assert.Equal(before - 1, await uow.Permissions.CountAsync());
            Assert.False(await uow.Permissions.DeleteAsync(id));
            var added = await uow.Permissions.AddAsync(NewPermission());
            Assert.Equal(added, await uow.Permissions.GetAsync(added.Id));
            Assert.Null(await uow.Permissions.GetAsync(id));
            await uow.RollbackAsync();
        }

        Assert.NotNull(await Repo.GetAsync(id));
        Assert.Equal(before, await Repo.CountAsync());
    }

    [Fact]
    public async Task UnitOfWork_AddAndUpdate_CommitMakesThemVisible()
    {
        Permission added, updated;
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            added = await uow.Permissions.AddAsync(NewPermission());
            updated = await uow.Permissions.UpdateAsync(added, added with { Description = "changed" });
            await uow.CommitAsync();
        }

        Assert.Equal(updated, await Repo.GetAsync(added.Id));
    }
}
