namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The behaviour every <see cref="IStaffRoleRepository"/> must have: derive from this class and return the store under
/// test from <c>CreateStoreAsync</c>. The package's PostgreSQL and in-memory stores pass it.
/// </summary>
public abstract class StaffRoleRepositoryContract : StaffContractBase
{
    private IStaffRoleRepository Repo => Store.StaffRoles;

    [Fact]
    public async Task AddAsync_NewRole_StoresEveryColumnAndStampsCreatedFromClock()
    {
        Store.Clock.Advance(TimeSpan.FromTicks(7));
        var now = Store.Clock.GetUtcNow().AddTicks(-7);
        var role = NewRole();

        var stored = await Repo.AddAsync(role);
        var read = await Repo.GetAsync(role.Id);

        Assert.Equal(role with { Created = now }, stored);
        Assert.Equal(stored, read);
    }

    [Fact]
    public async Task AddAsync_NullDescription_RoundTrips()
    {
        var role = await Repo.AddAsync(NewRole(description: null));

        Assert.Null((await Repo.GetAsync(role.Id))!.Description);
    }

    [Fact]
    public async Task AddAsync_InvalidFields_ThrowsListingEveryFieldAndStoresNothing()
    {
        var role = NewRole() with { Id = new StaffRoleId(0), Name = new string('x', 51) };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(role));

        Assert.Equal("StaffRole", ex.Entity);
        Assert.Equal(["id", "name"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Repo.GetByNameAsync(role.Name));
    }

    [Fact]
    public async Task AddAsync_DuplicateId_ThrowsDuplicatePrimaryKey()
    {
        var role = await Repo.AddAsync(NewRole());
        var second = NewRole(role.Id.Value);

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(second));

        Assert.Equal("StaffRole", ex.Entity);
        Assert.Equal("primary key", ex.Key);
        Assert.Null(await Repo.GetByNameAsync(second.Name));
    }

    [Fact]
    public async Task AddAsync_DuplicateName_ThrowsDuplicateNamingColumn()
    {
        var role = await Repo.AddAsync(NewRole());
        var second = NewRole() with { Name = role.Name };

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(second));

        Assert.Equal("name", ex.Key);
        Assert.Null(await Repo.GetAsync(second.Id));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Repo.GetAsync(new StaffRoleId(IdBlock())));
        Assert.Null(await Repo.GetByNameAsync(Unique("none-")));
    }

    [Fact]
    public async Task GetByNameAsync_ExactMatchOnly()
    {
        var role = await Repo.AddAsync(NewRole() with { Name = Unique("Support-") });

        Assert.Equal(role, await Repo.GetByNameAsync(role.Name));
        Assert.Null(await Repo.GetByNameAsync(role.Name.ToUpperInvariant()));
        Assert.Null(await Repo.GetByNameAsync(role.Name + " "));
    }

    [Fact]
    public async Task UpdateAsync_FreshSnapshot_WritesNameAndDescriptionAndKeepsCreated()
    {
        var role = await Repo.AddAsync(NewRole(description: null));
        Store.Clock.Advance(TimeSpan.FromHours(1));

        var updated = await Repo.UpdateAsync(role, role with { Name = Unique("renamed-"), Description = "Now described.", Created = default });

        Assert.Equal("Now described.", updated.Description);
        Assert.Equal(role.Created, updated.Created);
        Assert.Equal(updated, await Repo.GetAsync(role.Id));
        Assert.Null(await Repo.GetByNameAsync(role.Name));
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_ThrowsConflictAndKeepsTheFirstWrite()
    {
        var role = await Repo.AddAsync(NewRole());
        var first = await Repo.UpdateAsync(role, role with { Description = "first" });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(role, role with { Description = "second" }));

        Assert.Equal("StaffRole", ex.Entity);
        Assert.Equal(role.Id.ToString(), ex.Id);
        Assert.False(ex.IsTransient);
        Assert.Equal(first, await Repo.GetAsync(role.Id));
    }

    [Fact]
    public async Task UpdateAsync_SnapshotWithNullDescriptionAfterOneWasSet_ThrowsConflict()
    {
        var role = await Repo.AddAsync(NewRole(description: null));
        await Repo.UpdateAsync(role, role with { Description = "set" });

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(role, role with { Name = Unique("late-") }));
    }

    [Fact]
    public async Task UpdateAsync_Missing_ThrowsNotFound()
    {
        var role = NewRole();

        var ex = await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.UpdateAsync(role, role with { Description = "x" }));

        Assert.Equal("StaffRole", ex.Entity);
        Assert.Equal(role.Id.ToString(), ex.Id);
    }

    [Fact]
    public async Task UpdateAsync_DifferentIds_ThrowsArgument()
    {
        var role = await Repo.AddAsync(NewRole());

        await Assert.ThrowsAsync<ArgumentException>(() => Repo.UpdateAsync(role, role with { Id = new StaffRoleId(role.Id.Value + 1) }));

        Assert.Equal(role, await Repo.GetAsync(role.Id));
    }

    [Fact]
    public async Task UpdateAsync_InvalidName_ThrowsValidationAndKeepsRow()
    {
        var role = await Repo.AddAsync(NewRole());

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(role, role with { Name = "two\nlines" }));

        Assert.Equal("name", Assert.Single(ex.Errors).Field);
        Assert.Equal(role, await Repo.GetAsync(role.Id));
    }

    [Fact]
    public async Task UpdateAsync_NameOfAnother_ThrowsDuplicate()
    {
        var a = await Repo.AddAsync(NewRole());
        var b = await Repo.AddAsync(NewRole());

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.UpdateAsync(b, b with { Name = a.Name }));

        Assert.Equal("name", ex.Key);
        Assert.Equal(b, await Repo.GetAsync(b.Id));
    }

    [Fact]
    public async Task UpdateAsync_ThirtyTwoRacersWithTheSameSnapshot_ExactlyOneWins()
    {
        var role = await Repo.AddAsync(NewRole());

        var outcomes = await RaceAsync(32, i => Repo.UpdateAsync(role, role with { Description = "racer " + i }));

        var winner = Assert.Single(Enumerable.Range(0, 32), i => outcomes[i] is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<ConcurrencyConflictException>(o));
        Assert.Equal("racer " + winner, (await Repo.GetAsync(role.Id))!.Description);
    }

    [Fact]
    public async Task ListAsync_PagesWithInsertsBetween_VisitEachRowOnceInIdOrder()
    {
        var block = IdBlock();
        var expected = new List<StaffRoleId>();
        for (var i = 1; i <= 7; i++)
        {
            expected.Add((await Repo.AddAsync(NewRole(block + (i * 10)))).Id);
        }

        var seen = new List<StaffRoleId>();
        var page = await Repo.ListAsync(new PageRequest(3));
        seen.AddRange(page.Items.Select(r => r.Id));
        while (!seen.Contains(expected[1]))
        {
            Assert.NotNull(page.ContinuationToken);
            page = await Repo.ListAsync(new PageRequest(3, page.ContinuationToken));
            seen.AddRange(page.Items.Select(r => r.Id));
        }

        // Rows inserted between pages: one sorting after the token, one before it.
        var late = (await Repo.AddAsync(NewRole(block + 99))).Id;
        var early = (await Repo.AddAsync(NewRole(block + 1))).Id;
        while (page.ContinuationToken is not null)
        {
            page = await Repo.ListAsync(new PageRequest(3, page.ContinuationToken));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(r => r.Id));
        }

        Assert.Equal(seen.Distinct(), seen);
        Assert.Equal(seen.OrderBy(id => id.Value), seen);
        Assert.Contains(late, seen);
        Assert.DoesNotContain(early, seen);
        Assert.True(expected.All(seen.Contains));
    }

    [Fact]
    public async Task ListAsync_BadPageRequest_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(new PageRequest(0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(new PageRequest(1001)));
        await Assert.ThrowsAsync<ArgumentException>(() => Repo.ListAsync(new PageRequest(10, "not-a-token!")));
        await Assert.ThrowsAsync<ArgumentException>(() => Repo.ListAsync(new PageRequest(10, OtherKeyToken(Guid.NewGuid()))));
    }

    [Fact]
    public async Task CountAsync_FollowsAddsAndDeletes()
    {
        var before = await Repo.CountAsync();
        var a = await Repo.AddAsync(NewRole());
        await Repo.AddAsync(NewRole());

        Assert.Equal(before + 2, await Repo.CountAsync());
        await Repo.DeleteAsync(a.Id);
        Assert.Equal(before + 1, await Repo.CountAsync());
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesOnce()
    {
        var role = await Repo.AddAsync(NewRole());

        Assert.True(await Repo.DeleteAsync(role.Id));
        Assert.False(await Repo.DeleteAsync(role.Id));
        Assert.Null(await Repo.GetAsync(role.Id));
    }

    [Fact]
    public async Task DeleteAsync_RoleOfAStaffMember_ThrowsInUseNamingStaffMembers()
    {
        var role = await Repo.AddAsync(NewRole());
        var user = await NewUserAsync();
        await Store.StaffMembers.AddAsync(new StaffMember { UserId = user, RoleId = role.Id });

        var ex = await Assert.ThrowsAsync<EntityInUseException>(() => Repo.DeleteAsync(role.Id));

        Assert.Equal("StaffRole", ex.Entity);
        Assert.Equal(role.Id.ToString(), ex.Id);
        Assert.Equal("staff_members", ex.ReferencingTable);
        Assert.Equal(role, await Repo.GetAsync(role.Id));
    }

    [Fact]
    public async Task DeleteAsync_RoleWithGrants_ThrowsInUseUntilRevoked()
    {
        var role = await Repo.AddAsync(NewRole());
        await Repo.GrantAsync(role.Id, new PermissionId(1));

        var ex = await Assert.ThrowsAsync<EntityInUseException>(() => Repo.DeleteAsync(role.Id));

        Assert.Equal("staff_role_permissions", ex.ReferencingTable);
        Assert.True(await Repo.RevokeAsync(role.Id, new PermissionId(1)));
        Assert.True(await Repo.DeleteAsync(role.Id));
    }

    [Fact]
    public async Task GrantAsync_NewThenAgain_ReturnsTrueThenFalseAndListsByPermissionId()
    {
        var role = await Repo.AddAsync(NewRole());
        var own = await Store.Permissions.AddAsync(NewPermission());

        Assert.True(await Repo.GrantAsync(role.Id, own.Id));
        Assert.True(await Repo.GrantAsync(role.Id, new PermissionId(13)));
        Assert.True(await Repo.GrantAsync(role.Id, new PermissionId(2)));
        Assert.False(await Repo.GrantAsync(role.Id, new PermissionId(13)));

        var granted = await Repo.ListPermissionsAsync(role.Id);

        Assert.Equal([2, 13, own.Id.Value], granted.Select(p => p.Id.Value));
        Assert.Equal(WellKnownPermissions.StaffManage, granted[1].Name);
        Assert.Equal(own, granted[2]);
    }

    [Fact]
    public async Task GrantAsync_MissingRole_ThrowsReferencedMissingNamingRoleId()
    {
        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.GrantAsync(new StaffRoleId(IdBlock()), new PermissionId(1)));

        Assert.Equal("StaffRolePermission", ex.Entity);
        Assert.Equal("role_id", ex.Field);
        Assert.Equal("staff_roles", ex.ReferencedTable);
    }

    [Fact]
    public async Task GrantAsync_MissingPermission_ThrowsReferencedMissingNamingPermissionId()
    {
        var role = await Repo.AddAsync(NewRole());

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.GrantAsync(role.Id, new PermissionId(IdBlock())));

        Assert.Equal("permission_id", ex.Field);
        Assert.Equal("permissions", ex.ReferencedTable);
        Assert.Empty(await Repo.ListPermissionsAsync(role.Id));
    }

    [Fact]
    public async Task GrantAsync_BothMissing_NamesRoleIdFirst()
    {
        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(
            () => Repo.GrantAsync(new StaffRoleId(IdBlock()), new PermissionId(IdBlock()))
        );

        Assert.Equal("role_id", ex.Field);
    }

    [Fact]
    public async Task GrantAsync_NonPositiveIds_ThrowsValidationListingBoth()
    {
        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.GrantAsync(new StaffRoleId(0), new PermissionId(-1)));

        Assert.Equal("StaffRolePermission", ex.Entity);
        Assert.Equal(["role_id", "permission_id"], ex.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task GrantAsync_ThirtyTwoRacers_ExactlyOneGrants()
    {
        var role = await Repo.AddAsync(NewRole());
        var results = new bool[32];

        var outcomes = await RaceAsync(32, async i => results[i] = await Repo.GrantAsync(role.Id, new PermissionId(5)));

        Assert.All(outcomes, Assert.Null);
        Assert.Single(results, r => r);
        Assert.Equal([5], (await Repo.ListPermissionsAsync(role.Id)).Select(p => p.Id.Value));
    }

    [Fact]
    public async Task RevokeAsync_GrantedThenNot_ReturnsTrueThenFalse()
    {
        var role = await Repo.AddAsync(NewRole());
        await Repo.GrantAsync(role.Id, new PermissionId(3));
        await Repo.GrantAsync(role.Id, new PermissionId(4));

        Assert.True(await Repo.RevokeAsync(role.Id, new PermissionId(3)));
        Assert.False(await Repo.RevokeAsync(role.Id, new PermissionId(3)));
        Assert.False(await Repo.RevokeAsync(new StaffRoleId(IdBlock()), new PermissionId(3)));
        Assert.Equal([4], (await Repo.ListPermissionsAsync(role.Id)).Select(p => p.Id.Value));
    }

    [Fact]
    public async Task ListPermissionsAsync_UnknownRoleOrNoGrants_IsEmpty()
    {
        var role = await Repo.AddAsync(NewRole());

        Assert.Empty(await Repo.ListPermissionsAsync(role.Id));
        Assert.Empty(await Repo.ListPermissionsAsync(new StaffRoleId(IdBlock())));
    }

    [Fact]
    public async Task UnitOfWork_CreateRoleGrantAndAssign_CommitMakesAllVisible()
    {
        var user = await NewUserAsync();
        var role = NewRole();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.StaffRoles.AddAsync(role);
            Assert.True(await uow.StaffRoles.GrantAsync(role.Id, new PermissionId(12)));
            await uow.StaffMembers.AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
            Assert.Equal([WellKnownPermissions.StaffRead], (await uow.StaffMembers.GetPermissionNamesAsync(user)).Order());
            await uow.CommitAsync();
        }

        Assert.NotNull(await Repo.GetAsync(role.Id));
        Assert.Equal([12], (await Repo.ListPermissionsAsync(role.Id)).Select(p => p.Id.Value));
        Assert.Equal([WellKnownPermissions.StaffRead], (await Store.StaffMembers.GetPermissionNamesAsync(user)).Order());
    }

    [Fact]
    public async Task UnitOfWork_CreateRoleGrantAndAssign_RollbackLeavesNoTrace()
    {
        var user = await NewUserAsync();
        var role = NewRole();
        var rolesBefore = await Repo.CountAsync();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.StaffRoles.AddAsync(role);
            await uow.StaffRoles.GrantAsync(role.Id, new PermissionId(12));
            await uow.StaffMembers.AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
            await uow.RollbackAsync();
        }

        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.StaffRoles.AddAsync(role);
            await uow.StaffRoles.GrantAsync(role.Id, new PermissionId(12));
            // disposed without commit
        }

        Assert.Null(await Repo.GetAsync(role.Id));
        Assert.Null(await Repo.GetByNameAsync(role.Name));
        Assert.Empty(await Repo.ListPermissionsAsync(role.Id));
        Assert.Null(await Store.StaffMembers.GetAsync(user));
        Assert.Empty(await Store.StaffMembers.GetPermissionNamesAsync(user));
        Assert.Equal(rolesBefore, await Repo.CountAsync());
    }

    [Fact]
    public async Task UnitOfWork_GrantOfMissingPermission_AbortsAndCommitsNothing()
    {
        var role = NewRole();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.StaffRoles.AddAsync(role);
            Assert.True(await uow.StaffRoles.GrantAsync(role.Id, new PermissionId(1)));
            await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => uow.StaffRoles.GrantAsync(role.Id, new PermissionId(IdBlock())));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.StaffRoles.GetAsync(role.Id));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        Assert.Null(await Repo.GetAsync(role.Id));
    }

    [Fact]
    public async Task UnitOfWork_DeleteBlockedByReference_Aborts()
    {
        var role = await Repo.AddAsync(NewRole());
        await Repo.GrantAsync(role.Id, new PermissionId(1));
        var other = NewRole();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.StaffRoles.AddAsync(other);
            await Assert.ThrowsAsync<EntityInUseException>(() => uow.StaffRoles.DeleteAsync(role.Id));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        Assert.Null(await Repo.GetAsync(other.Id));
        Assert.NotNull(await Repo.GetAsync(role.Id));
    }
}
