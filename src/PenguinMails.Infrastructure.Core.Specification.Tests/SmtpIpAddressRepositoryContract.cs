namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The behaviour every <see cref="ISmtpIpAddressRepository"/> must have: derive from this class and return the store
/// under test from <c>CreateStoreAsync</c>. The package's PostgreSQL and in-memory stores pass it.
/// </summary>
public abstract class SmtpIpAddressRepositoryContract : IAsyncLifetime
{
    private static int s_counter;
    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    private ISmtpIpAddressRepository Repo => Store.SmtpIpAddresses;

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    internal static string NextAddress()
    {
        var n = Interlocked.Increment(ref s_counter);
        return $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
    }

    internal static SmtpIpAddress NewIp(VpsInstanceId? vps, string? address = null) =>
        new()
        {
            VpsInstanceId = vps,
            IpAddress = address ?? NextAddress(),
            ReputationState = ReputationState.Good,
            ApproximateCost = 2.5m,
        };

    private async Task<VpsInstanceId> NewVpsAsync() =>
        (await Store.VpsInstances.AddAsync(new VpsInstance { HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N"), Region = "us-east" })).Id;

    [Fact]
    public async Task AddAsync_NewIp_StoresEveryColumnAndStampsTimesFromClock()
    {
        var vps = await NewVpsAsync();
        var now = Store.Clock.GetUtcNow();
        var checkedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var ip = NewIp(vps, "2001:db8::17") with
        {
            ReputationState = ReputationState.Fair,
            ApproximateCost = 1234.56m,
            LastReputationCheck = checkedAt,
            AssignedCount = 2,
            ProviderBlacklistStatus = ProviderBlacklistStatus
                .Empty.WithMailboxProvider(KnownMailboxProviders.Gmail, new BlacklistListing(false, checkedAt))
                .WithBlacklist(KnownBlacklists.Spamhaus, new BlacklistListing(true, checkedAt, "SBL1")),
        };

        var stored = await Repo.AddAsync(ip);
        var read = await Repo.GetAsync(ip.Id);

        Assert.Equal(stored, read);
        Assert.Equal(ip with { Created = now, Updated = now }, read);
        Assert.Equal(SmtpIpAddressStatus.Available, read!.Status);
    }

    [Fact]
    public async Task AddAsync_WithoutVps_IsAllowed()
    {
        var stored = await Repo.AddAsync(NewIp(null));

        Assert.Null((await Repo.GetAsync(stored.Id))!.VpsInstanceId);
    }

    [Fact]
    public async Task AddAsync_InvalidFields_ThrowsListingEveryFieldAndStoresNothing()
    {
        var ip = NewIp(await NewVpsAsync(), "300.1.1.1") with { ApproximateCost = -1m, AssignedCount = -1 };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(ip));

        Assert.Equal(["ip_address", "approximate_cost", "assigned_count"], ex.Errors.Select(e => e.Field));
        Assert.Null(await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task AddAsync_StatusNotInitial_ThrowsValidation()
    {
        var ip = NewIp(await NewVpsAsync()) with { Status = SmtpIpAddressStatus.Warmed };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AddAsync(ip));

        Assert.Equal("status", Assert.Single(ex.Errors).Field);
        Assert.Null(await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task AddAsync_DuplicateId_ThrowsDuplicate()
    {
        var vps = await NewVpsAsync();
        var ip = await Repo.AddAsync(NewIp(vps));

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.AddAsync(NewIp(vps) with { Id = ip.Id }));

        Assert.Equal("SmtpIpAddress", ex.Entity);
        Assert.Equal("primary key", ex.Key);
    }

    [Fact]
    public async Task AddAsync_MissingVps_ThrowsReferencedEntityMissing()
    {
        var ip = NewIp(VpsInstanceId.New());

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.AddAsync(ip));

        Assert.Equal("SmtpIpAddress", ex.Entity);
        Assert.Equal("vps_instance_id", ex.Field);
        Assert.Equal("vps_instances", ex.ReferencedTable);
        Assert.Null(await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Repo.GetAsync(SmtpIpAddressId.New()));
        Assert.Null(await Repo.GetByAddressAsync(VpsInstanceId.New(), "192.0.2.1"));
    }

    [Fact]
    public async Task GetByAddressAsync_AddressWithinVps_ReturnsLowestIdOfThatVps()
    {
        var vps = await NewVpsAsync();
        var other = await NewVpsAsync();
        var address = NextAddress();
        await Repo.AddAsync(NewIp(other, address) with { Id = new SmtpIpAddressId(Guid.Parse("00000000-0000-0000-0000-00000000000a")) });
        var high = await Repo.AddAsync(NewIp(vps, address) with { Id = new SmtpIpAddressId(Guid.Parse("ffffffff-0000-0000-0000-00000000000b")) });
        var low = await Repo.AddAsync(NewIp(vps, address) with { Id = new SmtpIpAddressId(Guid.Parse("00000001-0000-0000-0000-00000000000c")) });

        Assert.Equal(low, await Repo.GetByAddressAsync(vps, address));
        Assert.NotEqual(high, await Repo.GetByAddressAsync(vps, address));
        Assert.Null(await Repo.GetByAddressAsync(vps, NextAddress()));
    }

    [Fact]
    public async Task UpdateAsync_Fresh_WritesColumnsButNotStatusOrCount()
    {
        var vps = await NewVpsAsync();
        var moved = await NewVpsAsync();
        var ip = await Repo.AddAsync(NewIp(vps));
        var checkedAt = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(15);

        var updated = await Repo.UpdateAsync(
            ip with
            {
                VpsInstanceId = moved,
                IpAddress = "2001:db8::99",
                ReputationState = ReputationState.Critical,
                ApproximateCost = 9.99m,
                LastReputationCheck = checkedAt,
                AssignedCount = 40,
                ProviderBlacklistStatus = ProviderBlacklistStatus.Empty.WithBlacklist(KnownBlacklists.SpamCop, new BlacklistListing(true)),
            }
        );

        Assert.Equal(moved, updated.VpsInstanceId);
        Assert.Equal("2001:db8::99", updated.IpAddress);
        Assert.Equal(ReputationState.Critical, updated.ReputationState);
        Assert.Equal(9.99m, updated.ApproximateCost);
        Assert.Equal(checkedAt.AddTicks(-5), updated.LastReputationCheck);
        Assert.Equal(0, updated.AssignedCount);
        Assert.True(updated.ProviderBlacklistStatus!.IsListedAnywhere);
        Assert.Equal(ip.Created, updated.Created);
        Assert.Equal(ip.Updated + TimeSpan.FromMicroseconds(1), updated.Updated);
        Assert.Equal(updated, await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task UpdateAsync_StaleSnapshot_ThrowsConflictAndKeepsTheFirstWrite()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));
        var first = await Repo.UpdateAsync(ip with { ApproximateCost = 1m });

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(ip with { ApproximateCost = 2m }));

        Assert.Equal(ip.Id.ToString(), ex.Id);
        Assert.False(ex.IsTransient);
        Assert.Equal(first, await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task UpdateAsync_AfterCountAdjusted_IsStale()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));
        await Repo.AdjustAssignedCountAsync(ip.Id, 1);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(ip with { ApproximateCost = 2m }));
    }

    [Fact]
    public async Task UpdateAsync_StatusDiffersFromStored_ThrowsConflictWithoutChangingStatus()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.UpdateAsync(ip with { Status = SmtpIpAddressStatus.Burned }));

        Assert.Contains("expected status 'burned' but found 'available'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ip, await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task UpdateAsync_Missing_ThrowsNotFound()
    {
        var ex = await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.UpdateAsync(NewIp(null)));

        Assert.Equal("SmtpIpAddress", ex.Entity);
    }

    [Fact]
    public async Task UpdateAsync_InvalidField_ThrowsValidationAndKeepsRow()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.UpdateAsync(ip with { IpAddress = "010.0.0.1" }));

        Assert.Equal("ip_address", Assert.Single(ex.Errors).Field);
        Assert.Equal(ip, await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task UpdateAsync_MissingVps_ThrowsReferencedEntityMissing()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.UpdateAsync(ip with { VpsInstanceId = VpsInstanceId.New() }));

        Assert.Equal("vps_instance_id", ex.Field);
        Assert.Equal(ip, await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task ChangeStatusAsync_Walk_MovesStatusAndUpdatedOnly()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));

        var assigned = await Repo.ChangeStatusAsync(ip, SmtpIpAddressStatus.Assigned);
        var warming = await Repo.ChangeStatusAsync(assigned, SmtpIpAddressStatus.Warming);
        var degraded = await Repo.ChangeStatusAsync(warming, SmtpIpAddressStatus.Degraded);
        var quarantined = await Repo.ChangeStatusAsync(degraded, SmtpIpAddressStatus.Quarantined);
        var burned = await Repo.ChangeStatusAsync(quarantined, SmtpIpAddressStatus.Burned);

        Assert.Equal(ip with { Status = SmtpIpAddressStatus.Burned, Updated = ip.Updated + TimeSpan.FromMicroseconds(5) }, burned);
        Assert.Equal(burned, await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task ChangeStatusAsync_NotAllowed_ThrowsTransitionAndWritesNothing()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));

        var ex = await Assert.ThrowsAsync<InvalidStatusTransitionException>(() => Repo.ChangeStatusAsync(ip, SmtpIpAddressStatus.Warmed));

        Assert.Equal("available", ex.From);
        Assert.Equal("warmed", ex.To);
        Assert.Equal(ip, await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task ChangeStatusAsync_LostRace_ThrowsConflictNamingStatuses()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));
        var winner = await Repo.ChangeStatusAsync(ip, SmtpIpAddressStatus.Assigned);

        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Repo.ChangeStatusAsync(ip, SmtpIpAddressStatus.Quarantined));

        Assert.Contains("expected status 'available' but found 'assigned'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(winner, await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task ChangeStatusAsync_Missing_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.ChangeStatusAsync(NewIp(null), SmtpIpAddressStatus.Assigned));
    }

    [Fact]
    public async Task ChangeStatusAsync_ThirtyTwoRacers_ExactlyOneWinsAndRowIsConsistent()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));
        var repo = Repo;
        using var gate = new ManualResetEventSlim(false);
        SmtpIpAddressStatus[] targets = [SmtpIpAddressStatus.Assigned, SmtpIpAddressStatus.Warming, SmtpIpAddressStatus.Quarantined, SmtpIpAddressStatus.Burned];

        var tasks = Enumerable
            .Range(0, 32)
            .Select(i => Task.Run(async () =>
            {
                gate.Wait();
                try
                {
                    return ((SmtpIpAddress?)await repo.ChangeStatusAsync(ip, targets[i % targets.Length]), (Exception?)null);
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
        Assert.Equal(winner, await repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task AdjustAssignedCountAsync_UpAndDown_ChangesCountAndUpdated()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));

        var up = await Repo.AdjustAssignedCountAsync(ip.Id, 3);
        var down = await Repo.AdjustAssignedCountAsync(ip.Id, -1);

        Assert.Equal(3, up.AssignedCount);
        Assert.Equal(2, down.AssignedCount);
        Assert.True(down.Updated > up.Updated && up.Updated > ip.Updated);
        Assert.Equal(down, await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task AdjustAssignedCountAsync_BelowZeroOrOverflow_ThrowsValidationAndWritesNothing()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()) with { AssignedCount = 1 });

        var below = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AdjustAssignedCountAsync(ip.Id, -2));
        var above = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.AdjustAssignedCountAsync(ip.Id, int.MaxValue));

        Assert.Equal("assigned_count", Assert.Single(below.Errors).Field);
        Assert.Equal("non_negative", below.Errors[0].Rule);
        Assert.Equal("range", Assert.Single(above.Errors).Rule);
        Assert.Equal(ip, await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task AdjustAssignedCountAsync_Missing_ThrowsNotFound()
    {
        var ex = await Assert.ThrowsAsync<EntityNotFoundException>(() => Repo.AdjustAssignedCountAsync(SmtpIpAddressId.New(), 1));

        Assert.Equal("SmtpIpAddress", ex.Entity);
    }

    [Fact]
    public async Task AdjustAssignedCountAsync_ThirtyTwoConcurrentIncrements_CountIsExactlyThirtyTwo()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));
        var repo = Repo;
        using var gate = new ManualResetEventSlim(false);

        var tasks = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            gate.Wait();
            await repo.AdjustAssignedCountAsync(ip.Id, 1);
        })).ToArray();
        gate.Set();
        await Task.WhenAll(tasks);

        Assert.Equal(32, (await repo.GetAsync(ip.Id))!.AssignedCount);
    }

    [Fact]
    public async Task UpdateAsync_ThirtyTwoReadModifyWriteLoops_LoseNoUpdate()
    {
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()) with { ApproximateCost = 0m });
        var repo = Repo;

        await Task.WhenAll(
            Enumerable
                .Range(0, 32)
                .Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        var current = await repo.GetAsync(ip.Id);
                        try
                        {
                            await repo.UpdateAsync(current! with { ApproximateCost = current.ApproximateCost + 1m });
                            return;
                        }
                        catch (ConcurrencyConflictException)
                        {
                            // Lost the race: read again and retry.
                        }
                    }
                }))
        );

        Assert.Equal(32m, (await repo.GetAsync(ip.Id))!.ApproximateCost);
    }

    [Fact]
    public async Task ListAsync_Filters_ReturnMatchingInKeyOrder()
    {
        var vps = await NewVpsAsync();
        var a = await Repo.AddAsync(NewIp(vps));
        var b = await Repo.AddAsync(NewIp(vps) with { ReputationState = ReputationState.Poor });
        var c = await Repo.AddAsync(NewIp(vps));
        await Repo.AddAsync(NewIp(await NewVpsAsync()));
        await Repo.ChangeStatusAsync(c, SmtpIpAddressStatus.Quarantined);

        var all = await Repo.ListAsync(new SmtpIpAddressFilter(vps));
        var available = await Repo.ListAsync(new SmtpIpAddressFilter(vps, SmtpIpAddressStatus.Available));
        var poor = await Repo.ListAsync(new SmtpIpAddressFilter(vps, ReputationState: ReputationState.Poor));

        Assert.Equal(new[] { a.Id, b.Id, c.Id }.OrderBy(id => id.Value.ToString()), all.Items.Select(v => v.Id));
        Assert.Null(all.ContinuationToken);
        Assert.Equal(new[] { a.Id, b.Id }.OrderBy(id => id.Value.ToString()), available.Items.Select(v => v.Id));
        Assert.Equal([b.Id], poor.Items.Select(v => v.Id));
        Assert.Equal(3, await Repo.CountAsync(new SmtpIpAddressFilter(vps)));
        Assert.Equal(1, await Repo.CountAsync(new SmtpIpAddressFilter(vps, SmtpIpAddressStatus.Quarantined)));
        Assert.Equal(1, await Repo.CountAsync(new SmtpIpAddressFilter(vps, SmtpIpAddressStatus.Available, ReputationState.Good)));
        Assert.True(await Repo.CountAsync() >= 4);
    }

    [Fact]
    public async Task ListAsync_PagesWithInsertsBetween_VisitEachRowOnceInOrder()
    {
        var vps = await NewVpsAsync();
        var filter = new SmtpIpAddressFilter(vps);
        var expected = new List<SmtpIpAddressId>();
        for (var i = 0; i < 7; i++)
        {
            expected.Add((await Repo.AddAsync(NewIp(vps))).Id);
        }

        var seen = new List<SmtpIpAddressId>();
        var page = await Repo.ListAsync(filter, new PageRequest(3));
        seen.AddRange(page.Items.Select(v => v.Id));
        var late = (await Repo.AddAsync(NewIp(vps) with { Id = new SmtpIpAddressId(Guid.Parse("ffffffff-ffff-ffff-ffff-fffffffffff1")) })).Id;
        var early = (await Repo.AddAsync(NewIp(vps) with { Id = new SmtpIpAddressId(Guid.Parse("00000000-0000-0000-0000-000000000101")) })).Id;
        while (page.ContinuationToken is not null)
        {
            page = await Repo.ListAsync(filter, new PageRequest(3, page.ContinuationToken));
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
        var ip = await Repo.AddAsync(NewIp(await NewVpsAsync()));

        Assert.True(await Repo.DeleteAsync(ip.Id));
        Assert.False(await Repo.DeleteAsync(ip.Id));
        Assert.Null(await Repo.GetAsync(ip.Id));
    }

    [Fact]
    public async Task VpsDelete_CascadesToItsIpsAndTheirAssignments()
    {
        var vps = await NewVpsAsync();
        var other = await NewVpsAsync();
        var domain = DomainId.New();
        await Store.AddDomainAsync(domain);
        var ip1 = await Repo.AddAsync(NewIp(vps));
        var ip2 = await Repo.AddAsync(NewIp(vps));
        var kept = await Repo.AddAsync(NewIp(other));
        var a1 = await Store.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip1.Id });
        var a2 = await Store.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip2.Id });
        var keptAssignment = await Store.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = kept.Id });

        Assert.True(await Store.VpsInstances.DeleteAsync(vps));

        Assert.Null(await Repo.GetAsync(ip1.Id));
        Assert.Null(await Repo.GetAsync(ip2.Id));
        Assert.Null(await Store.DomainIpAssignments.GetAsync(a1.Id));
        Assert.Null(await Store.DomainIpAssignments.GetAsync(a2.Id));
        Assert.Equal(0, await Repo.CountAsync(new SmtpIpAddressFilter(vps)));
        Assert.Equal(kept, await Repo.GetAsync(kept.Id));
        Assert.Equal(keptAssignment, await Store.DomainIpAssignments.GetAsync(keptAssignment.Id));
    }

    [Fact]
    public async Task BulkImportAsync_FiveThousandRows_StoresAllWithStoreTimes()
    {
        var vps = await NewVpsAsync();
        var now = Store.Clock.GetUtcNow();
        var rows = Enumerable
            .Range(0, 5000)
            .Select(i => NewIp(vps, $"172.16.{i / 256}.{i % 256}") with
            {
                LastReputationCheck = i % 2 == 0 ? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(i) : null,
                ReputationState = i % 3 == 0 ? null : ReputationState.Fair,
                ApproximateCost = i % 5 == 0 ? null : 1.25m,
                ProviderBlacklistStatus = i % 7 == 0 ? ProviderBlacklistStatus.Empty.WithMailboxProvider("gmail", new BlacklistListing(i % 2 == 0)) : null,
            })
            .ToList();

        var imported = await Repo.BulkImportAsync(rows);

        Assert.Equal(5000, imported);
        Assert.Equal(5000, await Repo.CountAsync(new SmtpIpAddressFilter(vps)));
        foreach (var i in new[] { 0, 1, 7, 2500, 4999 })
        {
            var expected = rows[i] with
            {
                LastReputationCheck = rows[i].LastReputationCheck is { } t ? new DateTimeOffset(t.Ticks - (t.Ticks % 10), TimeSpan.Zero) : null,
                Created = now,
                Updated = now,
            };
            Assert.Equal(expected, await Repo.GetAsync(rows[i].Id));
        }
    }

    [Fact]
    public async Task BulkImportAsync_InvalidRows_ReportsEveryRowAndStoresNothing()
    {
        var vps = await NewVpsAsync();
        var rows = Enumerable.Range(0, 5000).Select(_ => NewIp(vps)).ToList();
        rows[3] = rows[3] with { IpAddress = "not-an-ip" };
        rows[4000] = rows[4000] with { ApproximateCost = -5m, Status = SmtpIpAddressStatus.Assigned };
        rows[4001] = rows[4001] with { Id = rows[10].Id };
        rows[4002] = rows[4002] with { IpAddress = rows[11].IpAddress };

        var ex = await Assert.ThrowsAsync<EntityValidationException>(() => Repo.BulkImportAsync(rows));

        Assert.Equal(
            ["[3].ip_address", "[4000].approximate_cost", "[4000].status", "[4001].id", "[4002].ip_address"],
            ex.Errors.Select(e => e.Field)
        );
        Assert.Equal(0, await Repo.CountAsync(new SmtpIpAddressFilter(vps)));
    }

    [Fact]
    public async Task BulkImportAsync_CollidesWithStoredRow_ThrowsDuplicateAndStoresNothing()
    {
        var vps = await NewVpsAsync();
        var existing = await Repo.AddAsync(NewIp(vps));
        var rows = Enumerable.Range(0, 5000).Select(_ => NewIp(vps)).ToList();
        rows[2500] = rows[2500] with { Id = existing.Id };

        var ex = await Assert.ThrowsAsync<DuplicateEntityException>(() => Repo.BulkImportAsync(rows));

        Assert.Equal("SmtpIpAddress", ex.Entity);
        Assert.Equal("primary key", ex.Key);
        Assert.Equal(1, await Repo.CountAsync(new SmtpIpAddressFilter(vps)));
        Assert.Equal(existing, await Repo.GetAsync(existing.Id));
    }

    [Fact]
    public async Task BulkImportAsync_MissingVps_ThrowsReferencedEntityMissingAndStoresNothing()
    {
        var vps = await NewVpsAsync();
        var rows = Enumerable.Range(0, 100).Select(_ => NewIp(vps)).ToList();
        rows[50] = rows[50] with { VpsInstanceId = VpsInstanceId.New() };

        var ex = await Assert.ThrowsAsync<ReferencedEntityMissingException>(() => Repo.BulkImportAsync(rows));

        Assert.Equal("vps_instance_id", ex.Field);
        Assert.Equal(0, await Repo.CountAsync(new SmtpIpAddressFilter(vps)));
    }

    [Fact]
    public async Task BulkImportAsync_Cancelled_ThrowsAndStoresNothing()
    {
        var vps = await NewVpsAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Repo.BulkImportAsync([NewIp(vps)], cts.Token));

        Assert.Equal(0, await Repo.CountAsync(new SmtpIpAddressFilter(vps)));
    }

    [Fact]
    public async Task BulkImportAsync_Empty_ImportsNothing()
    {
        Assert.Equal(0, await Repo.BulkImportAsync([]));
    }

    [Fact]
    public async Task BulkImportAsync_InUnitOfWork_CommitsOrRollsBackWithIt()
    {
        var vps = await NewVpsAsync();
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            Assert.Equal(10, await uow.SmtpIpAddresses.BulkImportAsync(Enumerable.Range(0, 10).Select(_ => NewIp(vps)).ToList()));
            Assert.Equal(10, await uow.SmtpIpAddresses.CountAsync(new SmtpIpAddressFilter(vps)));
            await uow.RollbackAsync();
        }

        Assert.Equal(0, await Repo.CountAsync(new SmtpIpAddressFilter(vps)));
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.SmtpIpAddresses.BulkImportAsync(Enumerable.Range(0, 10).Select(_ => NewIp(vps)).ToList());
            await uow.CommitAsync();
        }

        Assert.Equal(10, await Repo.CountAsync(new SmtpIpAddressFilter(vps)));
    }

    [Fact]
    public async Task UnitOfWork_AfterDuplicate_IsAbortedAndCommitsNothing()
    {
        var vps = await NewVpsAsync();
        var existing = await Repo.AddAsync(NewIp(vps));
        var first = NewIp(vps);
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await uow.SmtpIpAddresses.AddAsync(first);
            await Assert.ThrowsAsync<DuplicateEntityException>(() => uow.SmtpIpAddresses.AddAsync(NewIp(vps) with { Id = existing.Id }));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.SmtpIpAddresses.GetAsync(first.Id));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => uow.CommitAsync());
        }

        Assert.Null(await Repo.GetAsync(first.Id));
    }

    [Fact]
    public async Task UnitOfWork_CountBelowZero_DoesNotAbort()
    {
        var vps = await NewVpsAsync();
        var ip = await Repo.AddAsync(NewIp(vps));
        await using (var uow = await Store.UnitOfWork.BeginAsync())
        {
            await Assert.ThrowsAsync<EntityValidationException>(() => uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, -1));
            await uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
            await uow.CommitAsync();
        }

        Assert.Equal(1, (await Repo.GetAsync(ip.Id))!.AssignedCount);
    }
}
