namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The behaviour every <see cref="IVpsInstanceRepository"/> must have: derive from this class and return the store
/// under test from <c>CreateStoreAsync</c>. The package's PostgreSQL and in-memory stores pass it.
/// </summary>
public abstract class VpsInstanceRepositoryContract : IAsyncLifetime
{
    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    private IVpsInstanceRepository Repo => Store.VpsInstances;

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private static string UniqueRegion() => "r-" + Guid.NewGuid().ToString("N")[..12];

    private static VpsInstance NewVps(string? region = null, int? billingDay = 15) =>
        new()
        {
            HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N"),
            IpAddress = "198.51.100.7",
            Region = region ?? UniqueRegion(),
            MonthlyCost = 49.99m,
            ApproximateCost = 12.5m,
            HostwindsBillingDay = billingDay,
        };

    [Fact]
    public async Task AddAsync_NewInstance_StoresEveryColumnAndStampsTimesFromClock()
    {
        var now = Store.Clock.GetUtcNow();
        var vps = NewVps() with
        {
            CurrentBillingPeriodStart = new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero),
            CurrentBillingPeriodEnd = new DateTimeOffset(2026, 2, 15, 0, 0, 0, TimeSpan.Zero),
        };

        var stored = await Repo.AddAsync(vps);
        var read = await Repo.GetAsync(vps.Id);

        Assert.Equal(stored, read);
        Assert.Equal(vps with { Created = now, Updated = now }, read);
        Assert.Equal(VpsInstanceStatus.Provisioning, read!.Status);
    }

    [Fact]
    public async Task AddAsync_SubMicrosecondTimes_AreTruncatedToMicroseconds()
    {
        Store.Clock.Advance(TimeSpan.FromTicks(7));
        var start = new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero).AddTicks(1234567);

        var stored = await Repo.AddAsync(NewVps() with { CurrentBillingPeriodStart = start });
        var read = await Repo.GetAsync(stored.Id);

        Assert.Equal(0, read!.Created.Ticks % TimeSpan.TicksPerMicrosecond);
        Assert.Equal(start.AddTicks(-7), read.CurrentBillingPeriodStart);
        Assert.Equal(stored, read);
    }

    [Fact]
    public async Task AddAsync_InvalidFields_ThrowsListingEveryFieldAndStoresNothing()
    {
        var vps = NewVps() with { IpAddress = "300.1.1.1", HostwindsBillingDay = 0, MonthlyCost = -1m };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(vps));

        Assert.Equal(["ip_address", "monthly_cost", "hostwinds_billing_day"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Repo.GetAsync(vps.Id));
    }

    [Fact]
    public async Task AddAsync_StatusNotInitial_ThrowsValidation()
    {
        var vps = NewVps() with { Status = VpsInstanceStatus.Active };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(vps));

        Assert.Equal("status", Assert.Single(ex.Errors).Field);
        Assert.Null(await Repo.GetAsync(vps.Id));
    }

    [Fact]
    public async Task AddAsync_DuplicateId_ThrowsDuplicate()
    {
        var vps = await Repo.AddAsync(NewVps());

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(NewVps() with { Id = vps.Id }));

        Assert.Equal("VpsInstance", ex.Entity);
        Assert.Equal("primary key", ex.Key);
    }

    [Fact]
    public async Task AddAsync_DuplicateHostwindsInstanceId_ThrowsDuplicateNamingColumn()
    {
        var vps = await Repo.AddAsync(NewVps());
        var second = NewVps() with { HostwindsInstanceId = vps.HostwindsInstanceId };

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(second));

        Assert.Equal("hostwinds_instance_id", ex.Key);
        Assert.Null(await Repo.GetAsync(second.Id));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Repo.GetAsync(VpsInstanceId.New()));
        Assert.Null(await Repo.GetByHostwindsInstanceIdAsync("hw-none"));
    }

    [Fact]
    public async Task GetByHostwindsInstanceIdAsync_Existing_ReturnsIt()
    {
        var vps = await Repo.AddAsync(NewVps());

        Assert.Equal(vps, await Repo.GetByHostwindsInstanceIdAsync(vps.HostwindsInstanceId!));
    }

    [Fact]
    public async Task UpdateAsync_Fresh_WritesColumnsAndMovesUpdatedEvenWhenClockStandsStill()
    {
        var vps = await Repo.AddAsync(NewVps());

        var updated = await Repo.UpdateAsync(vps with { Region = "eu-west", MonthlyCost = 60m, IpAddress = "2001:db8::5" });

        Assert.Equal("eu-west", updated.Region);
        Assert.Equal(60m, updated.MonthlyCost);
        Assert.Equal("2001:db8::5", updated.IpAddress);
        Assert.Equal(vps.Created, updated.Created);
        Assert.Equal(vps.Updated + TimeSpan.FromMicroseconds(1), updated.Updated);
        Assert.Equal(updated, await Repo.GetAsync(vps.Id));
    }

    [Fact]
    public async Task UpdateAsync_ClockMoved_UsesClockForUpdated()
    {
        var vps = await Repo.AddAsync(NewVps());
        Store.Clock.Advance(TimeSpan.FromMinutes(5));

        var updated = await Repo.UpdateAsync(vps with { Region = "ap-south" });

        Assert.Equal(vps.Updated + TimeSpan.FromMinutes(5), updated.Updated);
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_ThrowsConflictAndKeepsTheFirstWrite()
    {
        var vps = await Repo.AddAsync(NewVps());
        var first = await Repo.UpdateAsync(vps with { Region = "first" });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(vps with { Region = "second" }));

        Assert.Equal(vps.Id.ToString(), ex.Id);
        Assert.False(ex.IsTransient);
        Assert.Equal(first, await Repo.GetAsync(vps.Id));
    }

    [Fact]
    public async Task UpdateAsync_StatusDiffersFromStored_ThrowsConflictWithoutChangingStatus()
    {
        var vps = await Repo.AddAsync(NewVps());

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(vps with { Status = VpsInstanceStatus.Active }));

        Assert.Equal(VpsInstanceStatus.Provisioning, (await Repo.GetAsync(vps.Id))!.Status);
    }

    [Fact]
    public async Task UpdateAsync_Missing_ThrowsNotFound()
    {
        var ex = await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.UpdateAsync(NewVps()));

        Assert.Equal("VpsInstance", ex.Entity);
    }

    [Fact]
    public async Task UpdateAsync_InvalidField_ThrowsValidationAndKeepsRow()
    {
        var vps = await Repo.AddAsync(NewVps());

        await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(vps with { Region = new string('x', 51) }));

        Assert.Equal(vps, await Repo.GetAsync(vps.Id));
    }

    [Fact]
    public async Task UpdateAsync_HostwindsIdOfAnother_ThrowsDuplicate()
    {
        var a = await Repo.AddAsync(NewVps());
        var b = await Repo.AddAsync(NewVps());

        await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.UpdateAsync(b with { HostwindsInstanceId = a.HostwindsInstanceId }));

        Assert.Equal(b, await Repo.GetAsync(b.Id));
    }

    [Fact]
    public async Task ChangeStatusAsync_Walk_AppliesSideRules()
    {
        Store.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        var vps = await Repo.AddAsync(NewVps(billingDay: 15));

        var active = await Repo.ChangeStatusAsync(vps, VpsInstanceStatus.Active);
        var scheduled = await Repo.ChangeStatusAsync(active, VpsInstanceStatus.ScheduledDecommission);
        var back = await Repo.ChangeStatusAsync(scheduled, VpsInstanceStatus.Active);
        var again = await Repo.ChangeStatusAsync(back, VpsInstanceStatus.ScheduledDecommission, new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));
        var done = await Repo.ChangeStatusAsync(again, VpsInstanceStatus.Decommissioned);

        Assert.Equal(VpsInstanceStatus.Active, active.Status);
        Assert.Equal(new DateTimeOffset(2026, 3, 15, 0, 0, 0, TimeSpan.Zero), scheduled.DecommissionScheduledFor);
        Assert.Null(back.DecommissionScheduledFor);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), again.DecommissionScheduledFor);
        Assert.Equal(VpsInstanceStatus.Decommissioned, done.Status);
        Assert.Equal(done, await Repo.GetAsync(vps.Id));
        Assert.True(done.Updated > vps.Updated);
    }

    [Fact]
    public async Task ChangeStatusAsync_NotAllowed_ThrowsTransitionAndWritesNothing()
    {
        var vps = await Repo.AddAsync(NewVps());

        var ex = await Assert.ThrowsAsync<InvalidStatusTransitionException>(() => Repo.ChangeStatusAsync(vps, VpsInstanceStatus.ScheduledDecommission));

        Assert.Equal("provisioning", ex.From);
        Assert.Equal(["active", "decommissioned"], ex.AllowedTargets);
        Assert.Equal(vps, await Repo.GetAsync(vps.Id));
    }

    [Fact]
    public async Task ChangeStatusAsync_LostRace_ThrowsConflictNamingStatuses()
    {
        var vps = await Repo.AddAsync(NewVps());
        var winner = await Repo.ChangeStatusAsync(vps, VpsInstanceStatus.Active);

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.ChangeStatusAsync(vps, VpsInstanceStatus.Decommissioned));

        Assert.Contains("expected status 'provisioning' but found 'active'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(winner, await Repo.GetAsync(vps.Id));
    }

    [Fact]
    public async Task ChangeStatusAsync_Missing_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.ChangeStatusAsync(NewVps(), VpsInstanceStatus.Active));
    }

    [Fact]
    public async Task ChangeStatusAsync_ThirtyTwoRacers_ExactlyOneWins()
    {
        var vps = await Repo.AddAsync(NewVps());
        using var gate = new ManualResetEventSlim(false);

        var tasks = Enumerable
            .Range(0, 32)
            .Select(i => Task.Run(async () =>
            {
                gate.Wait();
                try
                {
                    await Repo.ChangeStatusAsync(vps, i % 2 == 0 ? VpsInstanceStatus.Active : VpsInstanceStatus.Decommissioned);
                    return (Exception?)null;
                }
                catch (Exception ex)
                {
                    return ex;
                }
            }))
            .ToArray();
        gate.Set();
        var outcomes = await Task.WhenAll(tasks);

        Assert.Single(outcomes, o => o is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.IsType<ConcurrencyConflictException>(o));
        var final = await Repo.GetAsync(vps.Id);
        Assert.NotEqual(VpsInstanceStatus.Provisioning, final!.Status);
    }

    [Fact]
    public async Task UpdateAsync_ThirtyTwoReadModifyWriteLoops_LoseNoUpdate()
    {
        var vps = await Repo.AddAsync(NewVps() with { ApproximateCost = 0m });

        await Task.WhenAll(
            Enumerable
                .Range(0, 32)
                .Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        var current = await Repo.GetAsync(vps.Id);
                        try
                        {
                            await Repo.UpdateAsync(current! with { ApproximateCost = current.ApproximateCost + 1m });
                            return;
                        }
                        catch (ConcurrencyConflictException)
                        {
                            // Lost the race: read again and retry.
                        }
                    }
                }))
        );

        Assert.Equal(32m, (await Repo.GetAsync(vps.Id))!.ApproximateCost);
    }

    [Fact]
    public async Task ListAsync_Filters_ReturnMatchingInKeyOrder()
    {
        var region = UniqueRegion();
        var a = await Repo.AddAsync(NewVps(region));
        var b = await Repo.AddAsync(NewVps(region));
        var c = await Repo.AddAsync(NewVps(region));
        await Repo.AddAsync(NewVps());
        await Repo.ChangeStatusAsync(b, VpsInstanceStatus.Active);

        var all = await Repo.ListAsync(new VpsInstanceFilter(Region: region));
        var provisioning = await Repo.ListAsync(new VpsInstanceFilter(VpsInstanceStatus.Provisioning, region));

        Assert.Equal(new[] { a.Id, b.Id, c.Id }.OrderBy(id => id.Value.ToString()), all.Items.Select(v => v.Id));
        Assert.Null(all.ContinuationToken);
        Assert.Equal(new[] { a.Id, c.Id }.OrderBy(id => id.Value.ToString()), provisioning.Items.Select(v => v.Id));
        Assert.Equal(3, await Repo.CountAsync(new VpsInstanceFilter(Region: region)));
        Assert.Equal(1, await Repo.CountAsync(new VpsInstanceFilter(VpsInstanceStatus.Active, region)));
    }

    [Fact]
    public async Task ListAsync_PagesWithInsertsBetween_VisitEachRowOnceInOrder()
    {
        var region = UniqueRegion();
        var expected = new List<VpsInstanceId>();
        for (var i = 0; i < 7; i++)
        {
            expected.Add((await Repo.AddAsync(NewVps(region))).Id);
        }

        var seen = new List<VpsInstanceId>();
        var page = await Repo.ListAsync(new VpsInstanceFilter(Region: region), new PageRequest(3));
        seen.AddRange(page.Items.Select(v => v.Id));
        // Rows inserted between pages: one sorting after the token, one before it.
        var late = (await Repo.AddAsync(NewVps(region) with { Id = new VpsInstanceId(Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff")) })).Id;
        var early = (await Repo.AddAsync(NewVps(region) with { Id = new VpsInstanceId(Guid.Parse("00000000-0000-0000-0000-000000000001")) })).Id;
        while (page.ContinuationToken is not null)
        {
            page = await Repo.ListAsync(new VpsInstanceFilter(Region: region), new PageRequest(3, page.ContinuationToken));
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(v => v.Id));
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
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Repo.ListAsync(null, new PageRequest(1001)));
        await Assert.ThrowsAsync<ArgumentException>(() => Repo.ListAsync(null, new PageRequest(10, "not-a-token!")));
    }

    [Fact]
    public async Task DeleteAsync_Existing_RemovesOnce()
    {
        var vps = await Repo.AddAsync(NewVps());

        Assert.True(await Repo.DeleteAsync(vps.Id));
        Assert.False(await Repo.DeleteAsync(vps.Id));
        Assert.Null(await Repo.GetAsync(vps.Id));
    }

    [Fact]
    public async Task UnitOfWork_Commit_MakesEveryOperationVisible()
    {
        VpsInstance a, b;
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            a = await uow.VpsInstances.AddAsync(NewVps());
            b = await uow.VpsInstances.AddAsync(NewVps());
            a = await uow.VpsInstances.ChangeStatusAsync(a, VpsInstanceStatus.Active);
            Assert.Equal(a, await uow.VpsInstances.GetAsync(a.Id));
            await uow.CommitAsync();
        }

        Assert.Equal(a, await Repo.GetAsync(a.Id));
        Assert.Equal(b, await Repo.GetAsync(b.Id));
    }

    [Fact]
    public async Task UnitOfWork_RollbackOrDispose_LeavesNoTrace()
    {
        var existing = await Repo.AddAsync(NewVps());
        VpsInstance added;
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            added = await uow.VpsInstances.AddAsync(NewVps());
            await uow.VpsInstances.ChangeStatusAsync(existing, VpsInstanceStatus.Active);
            await uow.RollbackAsync();
        }

        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.VpsInstances.DeleteAsync(existing.Id);
            // disposed without commit
        }

        Assert.Null(await Repo.GetAsync(added.Id));
        Assert.Equal(existing, await Repo.GetAsync(existing.Id));
    }

    [Fact]
    public async Task UnitOfWork_AfterDatabaseError_IsAbortedAndCommitsNothing()
    {
        var existing = await Repo.AddAsync(NewVps());
        var first = NewVps();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.VpsInstances.AddAsync(first);
            await Assert.ThrowsAsync<DuplicateEntityException>(() => uow.VpsInstances.AddAsync(NewVps() with { Id = existing.Id }));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.VpsInstances.GetAsync(first.Id));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        Assert.Null(await Repo.GetAsync(first.Id));
    }

    [Fact]
    public async Task UnitOfWork_ValidationOrLostRace_DoesNotAbort()
    {
        var vps = await Repo.AddAsync(NewVps());
        await Repo.ChangeStatusAsync(vps, VpsInstanceStatus.Active);
        var added = NewVps();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await Assert.ThrowsAsync<EntityValidationException>(() => uow.VpsInstances.AddAsync(NewVps() with { Region = new string('x', 60) }));
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => uow.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Decommissioned));
            await uow.VpsInstances.AddAsync(added);
            await uow.CommitAsync();
        }

        Assert.NotNull(await Repo.GetAsync(added.Id));
    }

    [Fact]
    public async Task UnitOfWork_UsedAfterCommit_Throws()
    {
        var uow = await Store.UnitOfWork.BeginAsync();
        await uow.CommitAsync();

        await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.VpsInstances.GetAsync(VpsInstanceId.New()));
        await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        await uow.DisposeAsync();
    }

    [Fact]
    public async Task UnitOfWork_TokenAlreadyCancelled_ThrowsWithoutAbortingTheUnit()
    {
        var added = NewVps();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.VpsInstances.AddAsync(added);
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => uow.VpsInstances.GetAsync(added.Id, cancelled.Token));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => uow.VpsInstances.ChangeStatusAsync(added, VpsInstanceStatus.Active, cancellationToken: cancelled.Token));
            await uow.CommitAsync();
        }

        Assert.NotNull(await Repo.GetAsync(added.Id));
    }

    [Fact]
    public async Task UpdateAsync_TokenWithAnotherOffset_IsTheSameInstant()
    {
        var vps = await Repo.AddAsync(NewVps());

        var updated = await Repo.UpdateAsync(vps with { Region = "offset", Updated = vps.Updated.ToOffset(TimeSpan.FromHours(2)) });

        Assert.Equal("offset", updated.Region);
    }

    [Fact]
    public async Task ChangeStatusAsync_DefaultDecommissionFromStaleBillingSnapshot_ThrowsConflict()
    {
        Store.Clock.SetUtcNow(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero));
        var vps = await Repo.ChangeStatusAsync(await Repo.AddAsync(NewVps(billingDay: 11)), VpsInstanceStatus.Active);
        var moved = await Repo.UpdateAsync(vps with { HostwindsBillingDay = 20 });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.ChangeStatusAsync(vps, VpsInstanceStatus.ScheduledDecommission));
        var scheduled = await Repo.ChangeStatusAsync(moved, VpsInstanceStatus.ScheduledDecommission);
        var explicitTime = await Repo.ChangeStatusAsync(
            await Repo.ChangeStatusAsync(scheduled, VpsInstanceStatus.Active),
            VpsInstanceStatus.ScheduledDecommission,
            new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)
        );

        Assert.Contains("billing period", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 1, 20, 0, 0, 0, TimeSpan.Zero), scheduled.DecommissionScheduledFor);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), explicitTime.DecommissionScheduledFor);
    }
}
