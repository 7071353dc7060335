namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The behaviour every <see cref="IDomainIpAssignmentRepository"/> must have: derive from this class and return the
/// store under test from <c>CreateStoreAsync</c>. The package's PostgreSQL and in-memory stores pass it.
/// </summary>
public abstract class DomainIpAssignmentRepositoryContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    private IDomainIpAssignmentRepository Repo => Store.DomainIpAssignments;

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private async Task<SmtpIpAddress> NewIpAsync()
    {
        var vps = await Store.VpsInstances.AddAsync(new VpsInstance { HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N") });
        return await Store.SmtpIpAddresses.AddAsync(SmtpIpAddressRepositoryContract.NewIp(vps.Id));
    }

    private async Task<DomainId> NewDomainAsync()
    {
        var domain = DomainId.New();
        await Store.AddDomainAsync(domain);
        return domain;
    }

    private async Task<DomainIpAssignment> NewAssignmentAsync()
    {
        var ip = await NewIpAsync();
        return new DomainIpAssignment { DomainId = await NewDomainAsync(), SmtpIpAddressId = ip.Id };
    }

    [Fact]
    public async Task AddAsync_New_DefaultsAssignedToNowAndStampsTimes()
    {
        var now = Store.Clock.GetUtcNow();
        var assignment = await NewAssignmentAsync();

        var stored = await Repo.AddAsync(assignment);
        var read = await Repo.GetAsync(assignment.Id);

        Assert.Equal(stored, read);
        Assert.Equal(assignment with { Assigned = now, Created = now, Updated = now }, read);
        Assert.Equal(DomainIpAssignmentStatus.Scheduled, read!.Status);
        Assert.Equal(WarmupState.Unwarmed, read.WarmupState);
    }

    [Fact]
    public async Task AddAsync_ExplicitTimes_AreKeptTruncatedToMicroseconds()
    {
        var assignment = await NewAssignmentAsync() with
        {
            Assigned = T0.AddTicks(1234567),
            Expires = T0.AddDays(30).AddTicks(3),
            LastSent = T0.AddHours(1).AddTicks(19),
        };

        var stored = await Repo.AddAsync(assignment);

        Assert.Equal(T0.AddTicks(1234560), stored.Assigned);
        Assert.Equal(T0.AddDays(30), stored.Expires);
        Assert.Equal(T0.AddHours(1).AddTicks(10), stored.LastSent);
        Assert.Equal(stored, await Repo.GetAsync(assignment.Id));
    }

    [Fact]
    public async Task AddAsync_InvalidFields_ThrowsListingEveryField()
    {
        var assignment = new DomainIpAssignment { Assigned = T0, Expires = T0 };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(assignment));

        Assert.Equal(["domain_id", "smtp_ip_address_id", "expires"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Repo.GetAsync(assignment.Id));
    }

    [Fact]
    public async Task AddAsync_ExpiresBeforeDefaultedAssigned_ThrowsValidation()
    {
        Store.Clock.SetUtcNow(T0.AddDays(10));
        var assignment = await NewAssignmentAsync() with { Expires = T0 };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(assignment));

        Assert.Equal("expires", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public async Task AddAsync_StatesNotInitial_ThrowsValidation()
    {
        var assignment = await NewAssignmentAsync() with { Status = DomainIpAssignmentStatus.Active, WarmupState = WarmupState.Warmed };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(assignment));

        Assert.Equal(["status", "warmup_state"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Repo.GetAsync(assignment.Id));
    }

    [Fact]
    public async Task AddAsync_MissingDomain_ThrowsReferencedEntityMissing()
    {
        var assignment = await NewAssignmentAsync() with { DomainId = DomainId.New() };

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.AddAsync(assignment));

        Assert.Equal("DomainIpAssignment", ex.Entity);
        Assert.Equal("domain_id", ex.Field);
        Assert.Equal("domains", ex.ReferencedTable);
        Assert.Null(await Repo.GetAsync(assignment.Id));
    }

    [Fact]
    public async Task AddAsync_MissingIp_ThrowsReferencedEntityMissing()
    {
        var assignment = await NewAssignmentAsync() with { SmtpIpAddressId = SmtpIpAddressId.New() };

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.AddAsync(assignment));

        Assert.Equal("smtp_ip_address_id", ex.Field);
        Assert.Equal("smtp_ip_addresses", ex.ReferencedTable);
    }

    [Fact]
    public async Task AddAsync_DuplicateId_ThrowsDuplicate()
    {
        var first = await Repo.AddAsync(await NewAssignmentAsync());

        var second = await NewAssignmentAsync() with { Id = first.Id };

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(second));

        Assert.Equal("primary key", ex.Key);
        Assert.Equal(first, await Repo.GetAsync(first.Id));
    }

    [Fact]
    public async Task AddAsync_SecondLiveAssignmentForDomainAndIp_ThrowsDuplicateUntilTheFirstExpires()
    {
        var first = await Repo.AddAsync(await NewAssignmentAsync());
        var second = new DomainIpAssignment { DomainId = first.DomainId, SmtpIpAddressId = first.SmtpIpAddressId };

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(second));
        Assert.Equal("DomainIpAssignment", ex.Entity);
        Assert.Equal("domain_id, smtp_ip_address_id", ex.Key);
        Assert.Null(await Repo.GetAsync(second.Id));

        await Repo.ChangeStatusAsync(first, DomainIpAssignmentStatus.Expired);
        var added = await Repo.AddAsync(second);

        Assert.Equal(added, await Repo.GetAsync(second.Id));
        Assert.Equal(2, await Repo.CountAsync(new DomainIpAssignmentFilter(first.DomainId, first.SmtpIpAddressId)));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Repo.GetAsync(DomainIpAssignmentId.New()));
    }

    [Fact]
    public async Task UpdateAsync_Fresh_WritesExpiresAndLastSentOnly()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());
        Store.Clock.Advance(TimeSpan.FromMinutes(1));

        var updated = await Repo.UpdateAsync(a with { Expires = T0.AddDays(7), LastSent = T0.AddMinutes(1), Assigned = T0.AddYears(-1) });

        Assert.Equal(a with { Expires = T0.AddDays(7), LastSent = T0.AddMinutes(1), Updated = T0.AddMinutes(1) }, updated);
        Assert.Equal(updated, await Repo.GetAsync(a.Id));
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_ThrowsConflictAndKeepsTheFirstWrite()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());
        var first = await Repo.UpdateAsync(a with { LastSent = T0.AddHours(1) });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(a with { LastSent = T0.AddHours(2) }));

        Assert.Equal(a.Id.ToString(), ex.Id);
        Assert.Equal(first, await Repo.GetAsync(a.Id));
    }

    [Fact]
    public async Task UpdateAsync_StateDiffersFromStored_ThrowsConflictNamingIt()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());

        var status = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(a with { Status = DomainIpAssignmentStatus.Active }));
        var warmup = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(a with { WarmupState = WarmupState.Warming }));

        Assert.Contains("expected status 'active' but found 'scheduled'", status.Message, StringComparison.Ordinal);
        Assert.Contains("expected warmup_state 'warming' but found 'unwarmed'", warmup.Message, StringComparison.Ordinal);
        Assert.Equal(a, await Repo.GetAsync(a.Id));
    }

    [Fact]
    public async Task UpdateAsync_Missing_ThrowsNotFound()
    {
        var ex = await Assert.ThrowsAsync<EntityNotFoundException>(async () => await Repo.UpdateAsync(await NewAssignmentAsync()));

        Assert.Equal("DomainIpAssignment", ex.Entity);
    }

    [Fact]
    public async Task UpdateAsync_ExpiresNotAfterAssigned_ThrowsValidationAndKeepsRow()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(a with { Expires = a.Assigned }));

        Assert.Equal("expires", Assert.Single(ex.Errors).Field);
        Assert.Equal(a, await Repo.GetAsync(a.Id));
    }

    [Fact]
    public async Task ChangeStatusAsync_Walk_ExpiringSetsExpiresToNow()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync() with { Expires = T0.AddDays(30) });
        Store.Clock.Advance(TimeSpan.FromDays(1));

        var warming = await Repo.ChangeStatusAsync(a, DomainIpAssignmentStatus.Warming);
        var active = await Repo.ChangeStatusAsync(warming, DomainIpAssignmentStatus.Active);
        var expired = await Repo.ChangeStatusAsync(active, DomainIpAssignmentStatus.Expired);

        Assert.Equal(T0.AddDays(30), active.Expires);
        Assert.Equal(a with { Status = DomainIpAssignmentStatus.Expired, Expires = T0.AddDays(1), Updated = T0.AddDays(1) + TimeSpan.FromMicroseconds(2) }, expired);
        Assert.Equal(expired, await Repo.GetAsync(a.Id));
    }

    [Fact]
    public async Task ChangeStatusAsync_ExpiringWithoutExpiresOrPastExpires_SetsOrKeepsIt()
    {
        var open = await Repo.AddAsync(await NewAssignmentAsync());
        var past = await Repo.AddAsync(await NewAssignmentAsync() with { Assigned = T0.AddDays(-10), Expires = T0.AddDays(-1) });
        Store.Clock.Advance(TimeSpan.FromHours(5));

        var openExpired = await Repo.ChangeStatusAsync(open, DomainIpAssignmentStatus.Expired);
        var pastExpired = await Repo.ChangeStatusAsync(past, DomainIpAssignmentStatus.Expired);

        Assert.Equal(T0.AddHours(5), openExpired.Expires);
        Assert.Equal(T0.AddDays(-1), pastExpired.Expires);
    }

    [Fact]
    public async Task ChangeStatusAsync_SideRuleUsesStoredExpires_NotTheSnapshots()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());
        var withExpiry = await Repo.UpdateAsync(a with { Expires = T0.AddHours(1) });
        Store.Clock.Advance(TimeSpan.FromDays(2));

        // The snapshot 'a' has no expires; the stored row's expires is already past, so it is kept.
        var expired = await Repo.ChangeStatusAsync(a, DomainIpAssignmentStatus.Expired);

        Assert.Equal(withExpiry.Expires, expired.Expires);
    }

    [Fact]
    public async Task ChangeStatusAsync_NotAllowed_ThrowsTransitionAndWritesNothing()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());
        var expired = await Repo.ChangeStatusAsync(a, DomainIpAssignmentStatus.Expired);

        var ex = await Assert.ThrowsAsync<InvalidStatusTransitionException>(() => Repo.ChangeStatusAsync(expired, DomainIpAssignmentStatus.Active));

        Assert.Equal("expired", ex.From);
        Assert.Empty(ex.AllowedTargets);
        Assert.Equal(expired, await Repo.GetAsync(a.Id));
    }

    [Fact]
    public async Task ChangeStatusAsync_LostRace_ThrowsConflict()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());
        var winner = await Repo.ChangeStatusAsync(a, DomainIpAssignmentStatus.Active);

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.ChangeStatusAsync(a, DomainIpAssignmentStatus.Warming));

        Assert.Contains("expected status 'scheduled' but found 'active'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(winner, await Repo.GetAsync(a.Id));
    }

    [Fact]
    public async Task ChangeStatusAsync_Missing_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<EntityNotFoundException>(async () => await Repo.ChangeStatusAsync(await NewAssignmentAsync(), DomainIpAssignmentStatus.Active));
    }

    [Fact]
    public async Task ChangeWarmupStateAsync_Forward_MovesStateOnly()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());

        var warming = await Repo.ChangeWarmupStateAsync(a, WarmupState.Warming);
        var warmed = await Repo.ChangeWarmupStateAsync(warming, WarmupState.Warmed);

        Assert.Equal(a with { WarmupState = WarmupState.Warmed, Updated = a.Updated + TimeSpan.FromMicroseconds(2) }, warmed);
        Assert.Equal(warmed, await Repo.GetAsync(a.Id));
    }

    [Fact]
    public async Task ChangeWarmupStateAsync_Backwards_ThrowsTransition()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());
        var warming = await Repo.ChangeWarmupStateAsync(a, WarmupState.Warming);

        var ex = await Assert.ThrowsAsync<InvalidStatusTransitionException>(() => Repo.ChangeWarmupStateAsync(warming, WarmupState.Unwarmed));

        Assert.Equal("warming", ex.From);
        Assert.Equal(warming, await Repo.GetAsync(a.Id));
    }

    [Fact]
    public async Task ChangeWarmupStateAsync_LostRace_ThrowsConflictNamingWarmupState()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());
        await Repo.ChangeStatusAsync(a, DomainIpAssignmentStatus.Active);
        var winner = await Repo.ChangeWarmupStateAsync(a, WarmupState.Warming);

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.ChangeWarmupStateAsync(a, WarmupState.Warming));

        Assert.Contains("expected warmup_state 'unwarmed' but found 'warming'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(winner, await Repo.GetAsync(a.Id));
        Assert.Equal(DomainIpAssignmentStatus.Active, winner.Status);
    }

    [Fact]
    public async Task ChangeWarmupStateAsync_Missing_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<EntityNotFoundException>(async () => await Repo.ChangeWarmupStateAsync(await NewAssignmentAsync(), WarmupState.Warming));
    }

    [Fact]
    public async Task ChangeStatusAsync_ThirtyTwoRacers_ExactlyOneWins()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());
        var repo = Repo;
        using var gate = new ManualResetEventSlim(false);
        DomainIpAssignmentStatus[] targets = [DomainIpAssignmentStatus.Warming, DomainIpAssignmentStatus.Active, DomainIpAssignmentStatus.Expired];

        var tasks = Enumerable
            .Range(0, 32)
            .Select(i => Task.Run(async () =>
            {
                gate.Wait();
                try
                {
                    return ((DomainIpAssignment?)await repo.ChangeStatusAsync(a, targets[i % targets.Length]), (Exception?)null);
                }
                catch (Exception ex)
                {
                    return (null, ex);
                }
            }))
            .ToArray();
        gate.Set();
        var outcomes = await Task.WhenAll(tasks);

        var winner = Assert.Single(outcomes, o => o.Item1 is not null).Item1;
        Assert.Equal(31, outcomes.Count(o => o.Item2 is ConcurrencyConflictException));
        Assert.Equal(winner, await repo.GetAsync(a.Id));
    }

    [Fact]
    public async Task ListAsync_Filters_ReturnMatchingInKeyOrder()
    {
        var domain = await NewDomainAsync();
        var ip1 = await NewIpAsync();
        var ip2 = await NewIpAsync();
        var a = await Repo.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip1.Id, Expires = T0.AddDays(5) });
        var b = await Repo.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip2.Id, Expires = T0.AddDays(50) });
        var c = await Repo.AddAsync(new DomainIpAssignment { DomainId = await NewDomainAsync(), SmtpIpAddressId = ip1.Id });
        b = await Repo.ChangeStatusAsync(b, DomainIpAssignmentStatus.Active);

        var ofDomain = await Repo.ListAsync(new DomainIpAssignmentFilter(domain));
        var ofIp = await Repo.ListAsync(new DomainIpAssignmentFilter(SmtpIpAddressId: ip1.Id));
        var active = await Repo.ListAsync(new DomainIpAssignmentFilter(domain, Status: DomainIpAssignmentStatus.Active));
        var expiring = await Repo.ListAsync(new DomainIpAssignmentFilter(domain, ExpiringBefore: T0.AddDays(10)));

        Assert.Equal(new[] { a.Id, b.Id }.OrderBy(id => id.Value.ToString()), ofDomain.Items.Select(x => x.Id));
        Assert.Equal(new[] { a.Id, c.Id }.OrderBy(id => id.Value.ToString()), ofIp.Items.Select(x => x.Id));
        Assert.Equal([b], active.Items);
        Assert.Equal([a.Id], expiring.Items.Select(x => x.Id));
        Assert.Equal(2, await Repo.CountAsync(new DomainIpAssignmentFilter(domain)));
        Assert.Equal(1, await Repo.CountAsync(new DomainIpAssignmentFilter(SmtpIpAddressId: ip1.Id, ExpiringBefore: T0.AddDays(5).AddTicks(10))));
        Assert.Equal(0, await Repo.CountAsync(new DomainIpAssignmentFilter(SmtpIpAddressId: ip1.Id, ExpiringBefore: T0.AddDays(5))));
        Assert.True(await Repo.CountAsync() >= 3);
    }

    [Fact]
    public async Task ListAsync_PagesWithInsertsBetween_VisitEachRowOnceInOrder()
    {
        var domain = await NewDomainAsync();
        var filter = new DomainIpAssignmentFilter(domain);
        var expected = new List<DomainIpAssignmentId>();
        for (var i = 0; i < 7; i++)
        {
            expected.Add((await Repo.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = (await NewIpAsync()).Id })).Id);
        }

        var seen = new List<DomainIpAssignmentId>();
        var page = await Repo.ListAsync(filter, new PageRequest(3));
        seen.AddRange(page.Items.Select(x => x.Id));
        var late = (await Repo.AddAsync(new DomainIpAssignment
        {
            Id = new DomainIpAssignmentId(Guid.Parse("ffffffff-ffff-ffff-ffff-fffffffffff2")),
            DomainId = domain,
            SmtpIpAddressId = (await NewIpAsync()).Id,
        })).Id;
        var early = (await Repo.AddAsync(new DomainIpAssignment
        {
            Id = new DomainIpAssignmentId(Guid.Parse("00000000-0000-0000-0000-000000000202")),
            DomainId = domain,
            SmtpIpAddressId = (await NewIpAsync()).Id,
        })).Id;
        while (page.ContinuationToken is not null)
        {
            page = await Repo.ListAsync(filter, new PageRequest(3, page.ContinuationToken));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(x => x.Id));
        }

        Assert.Equal(seen.Distinct(), seen);
        Assert.Equal(seen.OrderBy(id => id.Value.ToString()), seen);
        Assert.Contains(late, seen);
        Assert.DoesNotContain(early, seen);
        Assert.True(expected.All(seen.Contains));
    }

    [Fact]
    public async Task ListAsync_BadPageRequest_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(null, new PageRequest(0)));
        await Assert.ThrowsAsync<ArgumentException>(() => Repo.ListAsync(null, new PageRequest(10, "bad token")));
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesOnceAndKeepsTheIp()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());

        Assert.True(await Repo.DeleteAsync(a.Id));
        Assert.False(await Repo.DeleteAsync(a.Id));
        Assert.Null(await Repo.GetAsync(a.Id));
        Assert.NotNull(await Store.SmtpIpAddresses.GetAsync(a.SmtpIpAddressId!.Value));
    }

    [Fact]
    public async Task IpDelete_CascadesToItsAssignments()
    {
        var ip = await NewIpAsync();
        var other = await NewIpAsync();
        var domain = await NewDomainAsync();
        var a = await Repo.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });
        var b = await Repo.AddAsync(new DomainIpAssignment { DomainId = await NewDomainAsync(), SmtpIpAddressId = ip.Id });
        var kept = await Repo.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = other.Id });

        Assert.True(await Store.SmtpIpAddresses.DeleteAsync(ip.Id));

        Assert.Null(await Repo.GetAsync(a.Id));
        Assert.Null(await Repo.GetAsync(b.Id));
        Assert.Equal(kept, await Repo.GetAsync(kept.Id));
    }

    [Fact]
    public async Task VpsDelete_CascadesThroughIpsToAssignments()
    {
        var a = await Repo.AddAsync(await NewAssignmentAsync());
        var ip = (await Store.SmtpIpAddresses.GetAsync(a.SmtpIpAddressId!.Value))!;

        Assert.True(await Store.VpsInstances.DeleteAsync(ip.VpsInstanceId!.Value));

        Assert.Null(await Store.SmtpIpAddresses.GetAsync(ip.Id));
        Assert.Null(await Repo.GetAsync(a.Id));
    }

    [Fact]
    public async Task UnitOfWork_AssignFlowCommitted_IsVisibleAsAWhole()
    {
        var ip = await NewIpAsync();
        var domain = await NewDomainAsync();
        DomainIpAssignment assignment;
        SmtpIpAddress assignedIp;
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            assignment = await uow.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });
            var counted = await uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
            assignedIp = await uow.SmtpIpAddresses.ChangeStatusAsync(counted, SmtpIpAddressStatus.Assigned);
            Assert.Null(await Repo.GetAsync(assignment.Id));
            await uow.CommitAsync();
        }

        Assert.Equal(assignment, await Repo.GetAsync(assignment.Id));
        Assert.Equal(assignedIp, await Store.SmtpIpAddresses.GetAsync(ip.Id));
        Assert.Equal(1, assignedIp.AssignedCount);
        Assert.Equal(SmtpIpAddressStatus.Assigned, assignedIp.Status);
    }

    [Fact]
    public async Task UnitOfWork_AssignFlowRolledBackOrDisposed_LeavesNoTrace()
    {
        var ip = await NewIpAsync();
        var domain = await NewDomainAsync();
        var first = new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id };
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.DomainIpAssignments.AddAsync(first);
            var counted = await uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
            await uow.SmtpIpAddresses.ChangeStatusAsync(counted, SmtpIpAddressStatus.Assigned);
            await uow.RollbackAsync();
        }

        var second = new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id };
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.DomainIpAssignments.AddAsync(second);
            await uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
            // disposed without commit
        }

        Assert.Null(await Repo.GetAsync(first.Id));
        Assert.Null(await Repo.GetAsync(second.Id));
        Assert.Equal(ip, await Store.SmtpIpAddresses.GetAsync(ip.Id));
    }

    [Fact]
    public async Task UnitOfWork_AssignFlowHitsDuplicate_AbortsAndCommitsNothing()
    {
        var existing = await Repo.AddAsync(await NewAssignmentAsync());
        var ip = (await Store.SmtpIpAddresses.GetAsync(existing.SmtpIpAddressId!.Value))!;
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
            await Assert.ThrowsAsync<DuplicateEntityException>(() =>
                uow.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = existing.DomainId, SmtpIpAddressId = ip.Id })
            );
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        Assert.Equal(ip, await Store.SmtpIpAddresses.GetAsync(ip.Id));
    }
}
