namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The behaviour every <see cref="IStaffMemberRepository"/> must have: derive from this class and return the store
/// under test from <c>CreateStoreAsync</c>. The package's PostgreSQL and in-memory stores pass it.
/// </summary>
public abstract class StaffMemberRepositoryContract : StaffContractBase
{
    private IStaffMemberRepository Repo => Store.StaffMembers;

    private async Task<StaffRole> RoleAsync(params int[] permissionIds)
    {
        var role = await Store.StaffRoles.AddAsync(NewRole());
        foreach (var id in permissionIds)
        {
            await Store.StaffRoles.GrantAsync(role.Id, new PermissionId(id));
        }

        return role;
    }

    [Fact]
    public async Task AddAsync_NewMember_StoresEveryColumnAndStampsTimesFromClock()
    {
        var now = Store.Clock.GetUtcNow();
        var role = await RoleAsync();
        var member = new StaffMember { UserId = await NewUserAsync(), RoleId = role.Id, Notes = "On call\nweekends." };

        var stored = await Repo.AddAsync(member);

        Assert.Equal(member with { Created = now, Updated = now }, stored);
        Assert.Equal(stored, await Repo.GetAsync(member.UserId));
    }

    [Fact]
    public async Task AddAsync_WithoutRole_StoresNullRole()
    {
        var member = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync() });

        var read = await Repo.GetAsync(member.UserId);

        Assert.Null(read!.RoleId);
        Assert.Null(read.Notes);
    }

    [Fact]
    public async Task AddAsync_InvalidFields_ThrowsListingEveryField()
    {
        var member = new StaffMember { UserId = new UserId(Guid.Empty), RoleId = new StaffRoleId(0), Notes = "bad\0" };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(member));

        Assert.Equal("StaffMember", ex.Entity);
        Assert.Equal(["user_id", "role_id", "notes"], ex.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task AddAsync_UnknownUser_ThrowsReferencedMissingNamingUsers()
    {
        var member = new StaffMember { UserId = UserId.New() };

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.AddAsync(member));

        Assert.Equal("StaffMember", ex.Entity);
        Assert.Equal("user_id", ex.Field);
        Assert.Equal("users", ex.ReferencedTable);
        Assert.Null(await Repo.GetAsync(member.UserId));
    }

    [Fact]
    public async Task AddAsync_UnknownRole_ThrowsReferencedMissingNamingStaffRoles()
    {
        var member = new StaffMember { UserId = await NewUserAsync(), RoleId = new StaffRoleId(IdBlock()) };

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.AddAsync(member));

        Assert.Equal("role_id", ex.Field);
        Assert.Equal("staff_roles", ex.ReferencedTable);
        Assert.Null(await Repo.GetAsync(member.UserId));
    }

    [Fact]
    public async Task AddAsync_UnknownUserAndRole_NamesUserIdFirst()
    {
        var member = new StaffMember { UserId = UserId.New(), RoleId = new StaffRoleId(IdBlock()) };

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.AddAsync(member));

        Assert.Equal("user_id", ex.Field);
    }

    [Fact]
    public async Task AddAsync_SameUserTwice_ThrowsDuplicatePrimaryKey()
    {
        var member = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync(), Notes = "first" });

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(new StaffMember { UserId = member.UserId, Notes = "second" }));

        Assert.Equal("primary key", ex.Key);
        Assert.Equal(member, await Repo.GetAsync(member.UserId));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Repo.GetAsync(UserId.New()));
        Assert.Null(await Repo.GetAsync(await NewUserAsync()));
    }

    [Fact]
    public async Task UpdateAsync_Fresh_WritesRoleAndNotesAndMovesUpdatedEvenWhenClockStandsStill()
    {
        var role = await RoleAsync();
        var member = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync() });

        var updated = await Repo.UpdateAsync(member with { RoleId = role.Id, Notes = "promoted", Created = default });

        Assert.Equal(role.Id, updated.RoleId);
        Assert.Equal("promoted", updated.Notes);
        Assert.Equal(member.Created, updated.Created);
        Assert.Equal(member.Updated + TimeSpan.FromMicroseconds(1), updated.Updated);
        Assert.Equal(updated, await Repo.GetAsync(member.UserId));
    }

    [Fact]
    public async Task UpdateAsync_ClockMoved_UsesClockAndCanClearRole()
    {
        var role = await RoleAsync();
        var member = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync(), RoleId = role.Id, Notes = "x" });
        Store.Clock.Advance(TimeSpan.FromMinutes(5));

        var updated = await Repo.UpdateAsync(member with { RoleId = null, Notes = null });

        Assert.Null(updated.RoleId);
        Assert.Null(updated.Notes);
        Assert.Equal(member.Updated + TimeSpan.FromMinutes(5), updated.Updated);
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_ThrowsConflictAndKeepsTheFirstWrite()
    {
        var member = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync() });
        var first = await Repo.UpdateAsync(member with { Notes = "first" });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(member with { Notes = "second" }));

        Assert.Equal("StaffMember", ex.Entity);
        Assert.Equal(member.UserId.ToString(), ex.Id);
        Assert.Equal(first, await Repo.GetAsync(member.UserId));
    }

    [Fact]
    public async Task UpdateAsync_Missing_ThrowsNotFound()
    {
        var ex = await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.UpdateAsync(new StaffMember { UserId = UserId.New() }));

        Assert.Equal("StaffMember", ex.Entity);
    }

    [Fact]
    public async Task UpdateAsync_UnknownRole_ThrowsReferencedMissingAndKeepsRow()
    {
        var member = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync() });

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.UpdateAsync(member with { RoleId = new StaffRoleId(IdBlock()) }));

        Assert.Equal("role_id", ex.Field);
        Assert.Equal(member, await Repo.GetAsync(member.UserId));
    }

    [Fact]
    public async Task UpdateAsync_Invalid_ThrowsValidation()
    {
        var member = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync() });

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(member with { RoleId = new StaffRoleId(-1) }));

        Assert.Equal("role_id", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public async Task UpdateAsync_ThirtyTwoReadModifyWriteLoops_LoseNoUpdate()
    {
        var member = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync(), Notes = "" });

        await Task.WhenAll(
            Enumerable
                .Range(0, 32)
                .Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        var current = await Repo.GetAsync(member.UserId);
                        try
                        {
                            await Repo.UpdateAsync(current! with { Notes = current.Notes + "+" });
                            return;
                        }
                        catch (ConcurrencyConflictException)
                        {
                            // Lost the race: read again and retry.
                        }
                    }
                }))
        );

        Assert.Equal(new string('+', 32), (await Repo.GetAsync(member.UserId))!.Notes);
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesOnceAndFreesTheRole()
    {
        var role = await RoleAsync();
        var member = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync(), RoleId = role.Id });

        Assert.True(await Repo.DeleteAsync(member.UserId));
        Assert.False(await Repo.DeleteAsync(member.UserId));
        Assert.Null(await Repo.GetAsync(member.UserId));
        Assert.True(await Store.StaffRoles.DeleteAsync(role.Id));
    }

    [Fact]
    public async Task ListAsync_ByRole_ReturnsMatchingInUserIdOrderAndCounts()
    {
        var role = await RoleAsync();
        var other = await RoleAsync();
        var ids = new List<UserId>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync(), RoleId = role.Id })).UserId);
        }

        await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync(), RoleId = other.Id });
        await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync() });

        var page = await Repo.ListAsync(new StaffMemberFilter(role.Id));

        Assert.Equal(ids.OrderBy(id => id.Value.ToString()), page.Items.Select(m => m.UserId));
        Assert.Null(page.ContinuationToken);
        Assert.Equal(3, await Repo.CountAsync(new StaffMemberFilter(role.Id)));
        Assert.Equal(1, await Repo.CountAsync(new StaffMemberFilter(other.Id)));
        Assert.True(await Repo.CountAsync() >= 5);
    }

    [Fact]
    public async Task ListAsync_PagesWithInsertsBetween_VisitEachRowOnceInUuidOrder()
    {
        var role = await RoleAsync();
        var filter = new StaffMemberFilter(role.Id);
        var expected = new List<UserId>();
        for (var i = 0; i < 7; i++)
        {
            expected.Add((await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync(), RoleId = role.Id })).UserId);
        }

        var seen = new List<UserId>();
        var page = await Repo.ListAsync(filter, new PageRequest(3));
        seen.AddRange(page.Items.Select(m => m.UserId));
        // Rows inserted between pages: one sorting after the token, one before it.
        var tail = Guid.NewGuid().ToString("N")[..12];
        var late = await NewUserAsync(Guid.Parse("ffffffff-ffff-ffff-ffff-" + tail));
        var early = await NewUserAsync(Guid.Parse("00000000-0000-0000-0000-" + tail));
        await Repo.AddAsync(new StaffMember { UserId = late, RoleId = role.Id });
        await Repo.AddAsync(new StaffMember { UserId = early, RoleId = role.Id });
        while (page.ContinuationToken is not null)
        {
            page = await Repo.ListAsync(filter, new PageRequest(3, page.ContinuationToken));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(m => m.UserId));
        }

        Assert.Equal(seen.Distinct(), seen);
        Assert.Equal(seen.OrderBy(id => id.Value.ToString()), seen);
        Assert.Equal(late, seen[^1]);
        Assert.DoesNotContain(early, seen);
        Assert.True(expected.All(seen.Contains));
    }

    [Fact]
    public async Task ListAsync_BadPageRequest_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(null, new PageRequest(0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(null, new PageRequest(1001)));
        await Assert.ThrowsAsync<ArgumentException>(() => Repo.ListAsync(null, new PageRequest(10, OtherKeyToken(42))));
    }

    [Fact]
    public async Task GetPermissionNamesAsync_MemberWithRole_ReturnsTheRolesPermissionNames()
    {
        var own = await Store.Permissions.AddAsync(NewPermission());
        var role = await RoleAsync(1, 12);
        await Store.StaffRoles.GrantAsync(role.Id, own.Id);
        var member = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync(), RoleId = role.Id });

        var names = await Repo.GetPermissionNamesAsync(member.UserId);

        Assert.Equal(new[] { WellKnownPermissions.VpsRead, WellKnownPermissions.StaffRead, own.Name }.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Contains(WellKnownPermissions.StaffRead, names);
        Assert.DoesNotContain(WellKnownPermissions.StaffManage, names);
        Assert.DoesNotContain(WellKnownPermissions.StaffRead.ToUpperInvariant(), names);
    }

    [Fact]
    public async Task GetPermissionNamesAsync_DenyByDefault_EmptyWithoutRowRoleOrGrants()
    {
        var emptyRole = await RoleAsync();
        var noRole = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync() });
        var noGrants = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync(), RoleId = emptyRole.Id });

        Assert.Empty(await Repo.GetPermissionNamesAsync(UserId.New()));
        Assert.Empty(await Repo.GetPermissionNamesAsync(await NewUserAsync()));
        Assert.Empty(await Repo.GetPermissionNamesAsync(noRole.UserId));
        Assert.Empty(await Repo.GetPermissionNamesAsync(noGrants.UserId));
    }

    [Fact]
    public async Task GetPermissionNamesAsync_FollowsRevokesAndRoleChanges()
    {
        var reader = await RoleAsync(1, 3);
        var admin = await RoleAsync(2);
        var member = await Repo.AddAsync(new StaffMember { UserId = await NewUserAsync(), RoleId = reader.Id });

        await Store.StaffRoles.RevokeAsync(reader.Id, new PermissionId(3));
        Assert.Equal([WellKnownPermissions.VpsRead], await Repo.GetPermissionNamesAsync(member.UserId));

        await Repo.UpdateAsync(member with { RoleId = admin.Id });
        Assert.Equal([WellKnownPermissions.VpsManage], await Repo.GetPermissionNamesAsync(member.UserId));

        await Repo.DeleteAsync(member.UserId);
        Assert.Empty(await Repo.GetPermissionNamesAsync(member.UserId));
    }

    [Fact]
    public async Task UnitOfWork_AssignInsideUnit_IsInvisibleOutsideUntilCommitted()
    {
        var role = await RoleAsync(7);
        var user = await NewUserAsync();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.StaffMembers.AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
            Assert.Equal([WellKnownPermissions.SystemConfigRead], await uow.StaffMembers.GetPermissionNamesAsync(user));
            Assert.Equal(1, await uow.StaffMembers.CountAsync(new StaffMemberFilter(role.Id)));
            await uow.RollbackAsync();
        }

        Assert.Null(await Repo.GetAsync(user));
        Assert.Equal(0, await Repo.CountAsync(new StaffMemberFilter(role.Id)));

        StaffMember committed;
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            committed = await uow.StaffMembers.AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
            committed = await uow.StaffMembers.UpdateAsync(committed with { Notes = "in a unit" });
            await uow.CommitAsync();
        }

        Assert.Equal(committed, await Repo.GetAsync(user));
    }

    [Fact]
    public async Task UnitOfWork_UnknownUser_AbortsAndCommitsNothing()
    {
        var role = NewRole();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.StaffRoles.AddAsync(role);
            await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => uow.StaffMembers.AddAsync(new StaffMember { UserId = UserId.New(), RoleId = role.Id }));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.StaffMembers.GetPermissionNamesAsync(UserId.New()));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        Assert.Null(await Store.StaffRoles.GetAsync(role.Id));
    }
}
