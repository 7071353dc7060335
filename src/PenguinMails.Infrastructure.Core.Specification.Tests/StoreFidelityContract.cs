using System.Reflection;

namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// The cross-cutting behaviour every store must share beyond each table's own contract: how values come back (decimal
/// scale, timestamp precision), how bad arguments and cancellation fail (exception types, and always through the
/// returned task), and what each step of a unit of work does with a cancelled token. Derive from this class and return
/// the store under test from <c>CreateStoreAsync</c>; the package's PostgreSQL and in-memory stores pass it.
/// </summary>
public abstract class StoreFidelityContract : IAsyncLifetime
{
    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    private static CancellationToken Cancelled => new(canceled: true);

    // One region per test: the PostgreSQL database is shared by the class's tests, so counts filter by it.
    private readonly string _region = "r-" + Guid.NewGuid().ToString("N")[..12];

    private VpsInstanceFilter Mine => new(Region: _region);

    private VpsInstance NewVps(decimal? monthly = 49.99m, decimal? approximate = 12.5m) =>
        new()
        {
            HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N"),
            IpAddress = "198.51.100.7",
            Region = _region,
            MonthlyCost = monthly,
            ApproximateCost = approximate,
        };

    private static FeatureFlag NewFlag() => new() { Key = "fidelity-" + Guid.NewGuid().ToString("N")[..12], RolloutPercentage = 10 };

    // ---- values as the database returns them ----

    [Theory]
    [InlineData("12.5", "12.50")]
    [InlineData("12", "12.00")]
    [InlineData("12.500", "12.50")]
    [InlineData("0", "0.00")]
    public async Task AddAsync_Decimal_IsReturnedAndReadAtTheColumnScale(string written, string expected)
    {
        var value = decimal.Parse(written, System.Globalization.CultureInfo.InvariantCulture);

        var stored = await Store.VpsInstances.AddAsync(NewVps(monthly: value, approximate: value));
        var read = await Store.VpsInstances.GetAsync(stored.Id);

        Assert.Equal(expected, stored.MonthlyCost!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, stored.ApproximateCost!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, read!.MonthlyCost!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, read.ApproximateCost!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task UpdateAsync_Decimal_IsReturnedAtTheColumnScale()
    {
        var stored = await Store.VpsInstances.AddAsync(NewVps());

        var updated = await Store.VpsInstances.UpdateAsync(stored with { MonthlyCost = 7.1m });
        var ips = await Store.SmtpIpAddresses.AddAsync(new SmtpIpAddress { IpAddress = "203.0.113.9", ApproximateCost = 3m });
        var ipUpdated = await Store.SmtpIpAddresses.UpdateAsync(ips with { ApproximateCost = 4.5m });

        Assert.Equal("7.10", updated.MonthlyCost!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("3.00", ips.ApproximateCost!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("4.50", ipUpdated.ApproximateCost!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var read = await Store.SmtpIpAddresses.GetAsync(ips.Id);
        Assert.Equal("4.50", read!.ApproximateCost!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task UpdateAsync_TokenWithSubMicrosecondTicks_IsComparedAtMicrosecondPrecision()
    {
        var stored = await Store.VpsInstances.AddAsync(NewVps());
        Store.Clock.Advance(TimeSpan.FromSeconds(1));

        // A token carried through a serializer or built by hand may gain ticks below the microsecond; the database
        // keeps microseconds, so it still matches the row.
        var updated = await Store.VpsInstances.UpdateAsync(stored with { Region = "eu-west", Updated = stored.Updated.AddTicks(3) });

        Assert.Equal("eu-west", updated.Region);
        var ip = await Store.SmtpIpAddresses.AddAsync(new SmtpIpAddress { IpAddress = "203.0.113.10" });
        var ipUpdated = await Store.SmtpIpAddresses.UpdateAsync(ip with { ApproximateCost = 1.25m, Updated = ip.Updated.AddTicks(3) });
        Assert.Equal(1.25m, ipUpdated.ApproximateCost);
    }

    [Fact]
    public async Task UpdateAsync_TokenOneMicrosecondOff_IsAConflict()
    {
        var stored = await Store.VpsInstances.AddAsync(NewVps());

        var task = Store.VpsInstances.UpdateAsync(stored with { Region = "eu-west", Updated = stored.Updated.AddMicroseconds(1) });

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => task);
    }

    // ---- concurrent units of work (read committed, writers wait only for writers of the same rows) ----

    [Fact]
    public async Task OpenUnitWritingVpsInstances_DoesNotHoldUpWritesToOtherTables()
    {
        var unit = await Store.UnitOfWork.BeginAsync();
        await using (unit)
        {
            await unit.VpsInstances.AddAsync(NewVps());

            var flag = await Store.FeatureFlags.AddAsync(NewFlag()).WaitAsync(TimeSpan.FromSeconds(30));
            var other = await Store.UnitOfWork.BeginAsync();
            await using (other)
            {
                await other.FeatureFlags.UpdateAsync(flag with { RolloutPercentage = 20 }).WaitAsync(TimeSpan.FromSeconds(30));
                await other.CommitAsync();
            }

            await unit.CommitAsync();
            Assert.Equal(20, (await Store.FeatureFlags.GetAsync(flag.Id))!.RolloutPercentage);
        }

        Assert.Equal(1, await Store.VpsInstances.CountAsync(Mine));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OutsideUpdate_OfARowAnOpenUnitUpdated_WaitsForTheUnitThenSeesItsOutcome(bool commit)
    {
        var stored = await Store.VpsInstances.AddAsync(NewVps());
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var unit = await Store.UnitOfWork.BeginAsync();
        Task<VpsInstance> outside;
        await using (unit)
        {
            await unit.VpsInstances.UpdateAsync(stored with { IpAddress = "198.51.100.20" });

            outside = Store.VpsInstances.UpdateAsync(stored with { IpAddress = "198.51.100.30" });
            await Task.Delay(100);
            Assert.False(outside.IsCompleted);

            if (commit)
            {
                await unit.CommitAsync();
            }
        }

        if (commit)
        {
            // The unit changed the row's token: the waiting update's token is stale now.
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => outside.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal("198.51.100.20", (await Store.VpsInstances.GetAsync(stored.Id))!.IpAddress);
        }
        else
        {
            Assert.Equal("198.51.100.30", (await outside.WaitAsync(TimeSpan.FromSeconds(30))).IpAddress);
        }
    }

    [Fact]
    public async Task TwoUnitsUpdatingTheSameRowsInOppositeOrders_OneFailsAsATransientDeadlock_TheOtherCommits()
    {
        var vps = await Store.VpsInstances.AddAsync(NewVps());
        var flag = await Store.FeatureFlags.AddAsync(NewFlag());
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var first = await Store.UnitOfWork.BeginAsync();
        var second = await Store.UnitOfWork.BeginAsync();
        Exception? victimError, commitError, survivorError;
        try
        {
            await first.VpsInstances.UpdateAsync(vps with { IpAddress = "198.51.100.21" });
            await second.FeatureFlags.UpdateAsync(flag with { RolloutPercentage = 21 });

            // first waits for second's flag; second then waits for first's VPS instance: a cycle.
            var firstWaits = first.FeatureFlags.UpdateAsync(flag with { RolloutPercentage = 22 });
            await Task.Delay(200);
            var secondWaits = second.VpsInstances.UpdateAsync(vps with { IpAddress = "198.51.100.22" });
            Task failed = await Task.WhenAny(firstWaits, secondWaits).WaitAsync(TimeSpan.FromSeconds(30));
            if (failed.IsCompletedSuccessfully)
            {
                // The survivor's answer can arrive before the victim's error: the victim is the other one.
                failed = ReferenceEquals(failed, firstWaits) ? secondWaits : firstWaits;
            }

            // Which unit is the victim is the store's choice. Both units end before anything is asserted.
            var (victim, survivor, survivorWaits) = ReferenceEquals(failed, firstWaits) ? (first, second, (Task)secondWaits) : (second, first, firstWaits);
            victimError = await Record.ExceptionAsync(() => failed.WaitAsync(TimeSpan.FromSeconds(30)));
            commitError = await Record.ExceptionAsync(() => victim.CommitAsync());
            await victim.DisposeAsync();
            survivorError = await Record.ExceptionAsync(() => survivorWaits.WaitAsync(TimeSpan.FromSeconds(30)));
            if (survivorError is null)
            {
                await survivor.CommitAsync();
            }
        }
        finally
        {
            // Together, so a unit still waiting for the other's lock cannot hold up its own disposal.
            await Task.WhenAll(first.DisposeAsync().AsTask(), second.DisposeAsync().AsTask());
        }

        var deadlock = Assert.IsType<ConcurrencyConflictException>(victimError);
        Assert.True(deadlock.IsTransient);
        Assert.IsType<UnitOfWorkAbortedException>(commitError);
        Assert.True(survivorError is null, $"the other unit failed too: {survivorError}");

        // Only the survivor's two updates are stored: either both of first's or both of second's.
        var storedVps = (await Store.VpsInstances.GetAsync(vps.Id))!;
        var storedFlag = (await Store.FeatureFlags.GetAsync(flag.Id))!;
        Assert.Contains((storedVps.IpAddress, storedFlag.RolloutPercentage), new (string?, int)[] { ("198.51.100.21", 22), ("198.51.100.22", 21) });
    }

    private async Task<(VpsInstance Vps, SmtpIpAddress Ip, DomainId Domain)> IpPoolRowsAsync(string ip)
    {
        var vps = await Store.VpsInstances.AddAsync(NewVps());
        var stored = await Store.SmtpIpAddresses.AddAsync(new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = ip });
        var domain = DomainId.New();
        await Store.AddDomainAsync(domain);
        return (vps, stored, domain);
    }

    [Fact]
    public async Task OpenUnitWritingIpPoolRows_DoesNotHoldUpWritesToOtherRowsOfTheSameTables()
    {
        var (vps, ip, domain) = await IpPoolRowsAsync("192.0.2.10");
        var (otherVps, otherIp, otherDomain) = await IpPoolRowsAsync("192.0.2.11");
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var wait = TimeSpan.FromSeconds(30);
        var unit = await Store.UnitOfWork.BeginAsync();
        await using (unit)
        {
            await unit.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Active);
            await unit.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1);
            await unit.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });

            // Other rows of the same three tables, and rows that only point at the unit's rows (a foreign key's check
            // does not wait for a status change or a count update of the row it points at).
            await Store.VpsInstances.UpdateAsync(otherVps with { IpAddress = "198.51.100.41" }).WaitAsync(wait);
            await Store.VpsInstances.AddAsync(NewVps()).WaitAsync(wait);
            await Store.SmtpIpAddresses.AddAsync(new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.12" }).WaitAsync(wait);
            await Store.SmtpIpAddresses.AdjustAssignedCountAsync(otherIp.Id, 1).WaitAsync(wait);
            await Store.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = otherDomain, SmtpIpAddressId = ip.Id }).WaitAsync(wait);
            var other = await Store.UnitOfWork.BeginAsync();
            await using (other)
            {
                await other.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = otherIp.Id }).WaitAsync(wait);
                await other.SmtpIpAddresses.AdjustAssignedCountAsync(otherIp.Id, 1).WaitAsync(wait);
                await other.CommitAsync();
            }

            await unit.CommitAsync();
        }

        Assert.Equal(VpsInstanceStatus.Active, (await Store.VpsInstances.GetAsync(vps.Id))!.Status);
        Assert.Equal("198.51.100.41", (await Store.VpsInstances.GetAsync(otherVps.Id))!.IpAddress);
        Assert.Equal(1, (await Store.SmtpIpAddresses.GetAsync(ip.Id))!.AssignedCount);
        Assert.Equal(2, (await Store.SmtpIpAddresses.GetAsync(otherIp.Id))!.AssignedCount);
        Assert.Equal(2, await Store.DomainIpAssignments.CountAsync(new DomainIpAssignmentFilter(SmtpIpAddressId: ip.Id)));
        Assert.Equal(2, await Store.DomainIpAssignments.CountAsync(new DomainIpAssignmentFilter(DomainId: domain)));
        Assert.Equal(3, await Store.VpsInstances.CountAsync(Mine));
    }

    [Fact]
    public async Task OutsideInsert_OfAnIpOnAnInstanceAnOpenUnitUpdatedWithUpdateAsync_WaitsForTheUnit()
    {
        // UpdateAsync sets the unique hostwinds_instance_id column, so the row is locked FOR UPDATE, which the new IP's
        // foreign-key check (FOR KEY SHARE) waits for.
        var (vps, _, _) = await IpPoolRowsAsync("192.0.2.15");
        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        var unit = await Store.UnitOfWork.BeginAsync();
        Task<SmtpIpAddress> outside;
        await using (unit)
        {
            await unit.VpsInstances.UpdateAsync(vps with { IpAddress = "198.51.100.42" });

            outside = Store.SmtpIpAddresses.AddAsync(new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = "192.0.2.16" });
            await Task.Delay(100);
            Assert.False(outside.IsCompleted);
            await unit.CommitAsync();
        }

        Assert.Equal(vps.Id, (await outside.WaitAsync(TimeSpan.FromSeconds(30))).VpsInstanceId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OutsideInsert_OfTheLiveDomainIpPairAnOpenUnitInserted_WaitsThenFailsAfterACommitOrSucceedsAfterARollback(bool commit)
    {
        var (_, ip, domain) = await IpPoolRowsAsync("192.0.2.20");
        var unit = await Store.UnitOfWork.BeginAsync();
        Task<DomainIpAssignment> outside;
        await using (unit)
        {
            await unit.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });

            outside = Store.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });
            await Task.Delay(100);
            Assert.False(outside.IsCompleted);

            if (commit)
            {
                await unit.CommitAsync();
            }
        }

        if (commit)
        {
            await Assert.ThrowsAsync<DuplicateEntityException>(() => outside.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        else
        {
            await outside.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(1, await Store.DomainIpAssignments.CountAsync(new DomainIpAssignmentFilter(DomainId: domain)));
    }

    [Fact]
    public async Task OutsideDelete_OfAnIpAnOpenUnitsInsertPointsAt_WaitsForTheUnitThenCascadesToTheNewRow()
    {
        var (_, ip, domain) = await IpPoolRowsAsync("192.0.2.30");
        var unit = await Store.UnitOfWork.BeginAsync();
        Task<bool> delete;
        await using (unit)
        {
            await unit.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });

            delete = Store.SmtpIpAddresses.DeleteAsync(ip.Id);
            await Task.Delay(100);
            Assert.False(delete.IsCompleted);
            await unit.CommitAsync();
        }

        Assert.True(await delete.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await Store.DomainIpAssignments.CountAsync(new DomainIpAssignmentFilter(DomainId: domain)));
    }

    [Fact]
    public async Task OpenUnit_ReadsWhatOthersCommitAfterItStarted()
    {
        var flag = NewFlag();
        var unit = await Store.UnitOfWork.BeginAsync();
        await using (unit)
        {
            Assert.Null(await unit.FeatureFlags.GetByKeyAsync(flag.Key));

            await Store.FeatureFlags.AddAsync(flag);

            Assert.NotNull(await unit.FeatureFlags.GetByKeyAsync(flag.Key));
        }
    }

    // ---- filters ----

    [Fact]
    public async Task ListAndCount_FilterWithUndefinedEnumValue_ThrowArgumentOutOfRange()
    {
        var undefinedVps = (VpsInstanceStatus)999;
        var undefinedIp = (SmtpIpAddressStatus)999;
        var undefinedReputation = (ReputationState)999;
        var undefinedAssignment = (DomainIpAssignmentStatus)999;
        await Store.VpsInstances.AddAsync(NewVps());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.VpsInstances.ListAsync(new VpsInstanceFilter(undefinedVps)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.VpsInstances.CountAsync(new VpsInstanceFilter(undefinedVps)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.SmtpIpAddresses.ListAsync(new SmtpIpAddressFilter(Status: undefinedIp)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.SmtpIpAddresses.CountAsync(new SmtpIpAddressFilter(Status: undefinedIp)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.SmtpIpAddresses.ListAsync(new SmtpIpAddressFilter(ReputationState: undefinedReputation)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.SmtpIpAddresses.CountAsync(new SmtpIpAddressFilter(ReputationState: undefinedReputation)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.DomainIpAssignments.ListAsync(new DomainIpAssignmentFilter(Status: undefinedAssignment)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.DomainIpAssignments.CountAsync(new DomainIpAssignmentFilter(Status: undefinedAssignment)));
    }

    // ---- cancellation ----

    [Fact]
    public async Task Operations_WithCancelledToken_ThrowOperationCanceledExceptionItself()
    {
        var stored = await Store.VpsInstances.AddAsync(NewVps());

        // Exactly OperationCanceledException (not its TaskCanceledException subclass), as Npgsql throws it.
        await Assert.ThrowsAsync<OperationCanceledException>(() => Store.VpsInstances.AddAsync(NewVps(), Cancelled));
        await Assert.ThrowsAsync<OperationCanceledException>(() => Store.VpsInstances.UpdateAsync(stored with { Region = "x" }, Cancelled));
        await Assert.ThrowsAsync<OperationCanceledException>(() => Store.VpsInstances.ChangeStatusAsync(stored, VpsInstanceStatus.Active, cancellationToken: Cancelled));
        await Assert.ThrowsAsync<OperationCanceledException>(() => Store.VpsInstances.DeleteAsync(stored.Id, Cancelled));
        await Assert.ThrowsAsync<OperationCanceledException>(() => Store.VpsInstances.GetAsync(stored.Id, Cancelled));
        await Assert.ThrowsAsync<OperationCanceledException>(() => Store.VpsInstances.ListAsync(cancellationToken: Cancelled));
        await Assert.ThrowsAsync<OperationCanceledException>(() => Store.VpsInstances.CountAsync(cancellationToken: Cancelled));
        await Assert.ThrowsAsync<OperationCanceledException>(() => Store.FeatureFlags.AddAsync(NewFlag(), Cancelled));
        await Assert.ThrowsAsync<OperationCanceledException>(() => Store.UnitOfWork.BeginAsync(Cancelled));
        Assert.Equal(stored, await Store.VpsInstances.GetAsync(stored.Id));
        Assert.Equal(1, await Store.VpsInstances.CountAsync(Mine));
    }

    [Fact]
    public async Task CommitAsync_CancelledToken_ThrowsCommitsNothingAndEndsTheUnit()
    {
        var vps = NewVps();
        var unit = await Store.UnitOfWork.BeginAsync();
        await using (unit)
        {
            await unit.VpsInstances.AddAsync(vps);

            await Assert.ThrowsAsync<OperationCanceledException>(() => unit.CommitAsync(Cancelled));

            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => unit.VpsInstances.GetAsync(vps.Id));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => unit.CommitAsync());
        }

        Assert.Null(await Store.VpsInstances.GetAsync(vps.Id));
        await Store.VpsInstances.AddAsync(NewVps()); // the store is not left locked
    }

    [Fact]
    public async Task RollbackAsync_CancelledToken_ThrowsAndLeavesNothing()
    {
        var vps = NewVps();
        var unit = await Store.UnitOfWork.BeginAsync();
        await using (unit)
        {
            await unit.VpsInstances.AddAsync(vps);

            await Assert.ThrowsAsync<OperationCanceledException>(() => unit.RollbackAsync(Cancelled));

            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => unit.VpsInstances.GetAsync(vps.Id));
            await unit.RollbackAsync(); // a second rollback is a no-op
        }

        Assert.Null(await Store.VpsInstances.GetAsync(vps.Id));
        await Store.VpsInstances.AddAsync(NewVps());
    }

    [Fact]
    public async Task Operation_CancelledInsideUnit_LeavesTheUnitUsable()
    {
        var first = NewVps();
        var second = NewVps();
        var unit = await Store.UnitOfWork.BeginAsync();
        await using (unit)
        {
            await unit.VpsInstances.AddAsync(first);

            await Assert.ThrowsAsync<OperationCanceledException>(() => unit.VpsInstances.AddAsync(second, Cancelled));
            await Assert.ThrowsAsync<OperationCanceledException>(() => unit.VpsInstances.GetAsync(first.Id, Cancelled));

            await unit.VpsInstances.AddAsync(second);
            await unit.CommitAsync();
        }

        Assert.NotNull(await Store.VpsInstances.GetAsync(first.Id));
        Assert.NotNull(await Store.VpsInstances.GetAsync(second.Id));
    }

    [Fact]
    public async Task AbortedUnit_CancelledToken_ThrowsUnitOfWorkAbortedBeforeCancellation()
    {
        var existing = await Store.VpsInstances.AddAsync(NewVps());
        var unit = await Store.UnitOfWork.BeginAsync();
        await using (unit)
        {
            await Assert.ThrowsAsync<DuplicateEntityException>(() => unit.VpsInstances.AddAsync(NewVps() with { Id = existing.Id }));

            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => unit.VpsInstances.GetAsync(existing.Id, Cancelled));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => unit.VpsInstances.AddAsync(NewVps(), Cancelled));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => unit.VpsInstances.GetAsync(existing.Id));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => unit.CommitAsync(Cancelled));
        }

        Assert.Equal(1, await Store.VpsInstances.CountAsync(Mine));
    }

    [Fact]
    public async Task EndedUnit_CancelledToken_ThrowsUnitOfWorkAborted()
    {
        var vps = NewVps();
        var committed = await Store.UnitOfWork.BeginAsync();
        await using (committed)
        {
            await committed.VpsInstances.AddAsync(vps);
            await committed.CommitAsync();

            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => committed.VpsInstances.GetAsync(vps.Id, Cancelled));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => committed.VpsInstances.AddAsync(NewVps(), Cancelled));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => committed.CommitAsync(Cancelled));
            await committed.RollbackAsync(Cancelled); // after the end a rollback is a no-op, whatever the token
        }

        var rolledBack = await Store.UnitOfWork.BeginAsync();
        await using (rolledBack)
        {
            await rolledBack.RollbackAsync();

            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => rolledBack.VpsInstances.GetAsync(vps.Id, Cancelled));
            await Assert.ThrowsAsync<UnitOfWorkAbortedException>(() => rolledBack.CommitAsync(Cancelled));
        }

        Assert.NotNull(await Store.VpsInstances.GetAsync(vps.Id));
    }

    // ---- failures through the returned task ----

    [Fact]
    public async Task ValidationTransitionAndArgumentErrors_AreReportedThroughTheTask_SoWhenAllStoresTheValidRows()
    {
        var valid = Enumerable.Range(0, 3).Select(_ => NewVps()).ToList();
        var invalid = NewVps() with { IpAddress = "300.1.1.1" };
        var batch = valid.Take(2).Append(invalid).Append(valid[2]);

        var tasks = batch.Select(v => Store.VpsInstances.AddAsync(v)).ToList(); // no call throws here
        await Assert.ThrowsAsync<EntityValidationException>(() => Task.WhenAll(tasks));

        Assert.Equal(3, await Store.VpsInstances.CountAsync(Mine));
        var active = valid[0];
        var transition = Store.VpsInstances.ChangeStatusAsync((await Store.VpsInstances.GetAsync(active.Id))!, VpsInstanceStatus.ScheduledDecommission);
        await Assert.ThrowsAsync<Lifecycles.InvalidStatusTransitionException>(() => transition);
        var nullArgument = Store.VpsInstances.AddAsync(null!);
        await Assert.ThrowsAsync<ArgumentNullException>(() => nullArgument);
    }

    [Fact]
    public async Task EveryRepositoryMethod_WithNullArgumentsOrACancelledToken_FailsThroughItsTaskNeverSynchronously()
    {
        var failures = new List<string>();
        await CheckEveryMethodAsync(RepositoriesOf(Store), "store", failures);

        var unit = await Store.UnitOfWork.BeginAsync();
        await using (unit)
        {
            await CheckEveryMethodAsync(RepositoriesOf(unit), "unit of work", failures);
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static IEnumerable<(Type Interface, object Repository)> RepositoriesOf(object holder) =>
        holder
            .GetType()
            .GetInterfaces()
            .Append(holder.GetType())
            .SelectMany(t => t.GetProperties())
            .Where(p => p.PropertyType.IsInterface && p.PropertyType.Name.EndsWith("Repository", StringComparison.Ordinal))
            .DistinctBy(p => p.PropertyType)
            .Select(p => (p.PropertyType, p.GetValue(holder)!));

    private static async Task CheckEveryMethodAsync(IEnumerable<(Type Interface, object Repository)> repositories, string where, List<string> failures)
    {
        foreach (var (contract, repository) in repositories)
        {
            foreach (var method in contract.GetMethods())
            {
                foreach (var (args, what) in ArgumentSets(method))
                {
                    var name = $"{where}: {contract.Name}.{method.Name} with {what}";
                    object? result;
                    try
                    {
                        result = method.Invoke(repository, args);
                    }
                    catch (TargetInvocationException ex)
                    {
                        failures.Add($"{name} threw {ex.InnerException!.GetType().Name} before returning a task");
                        continue;
                    }

                    var task = result switch
                    {
                        Task t => t,
                        _ when result?.GetType().GetMethod("AsTask") is { } asTask => (Task)asTask.Invoke(result, null)!,
                        _ => null,
                    };
                    if (task is null)
                    {
                        failures.Add($"{name} returned no task");
                        continue;
                    }

                    try
                    {
                        await task;
                        failures.Add($"{name} succeeded");
                    }
                    catch (Exception ex) when (ex is ArgumentException or OperationCanceledException or EntityValidationException)
                    {
                        // The expected outcome: a faulted or cancelled task (validation of default ids may come first).
                    }
                    catch (Exception ex)
                    {
                        failures.Add($"{name} failed with {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }
        }
    }

    /// <summary>
    /// For each nullable reference parameter, the call with that one null and a cancelled token; and the call with
    /// default values and a cancelled token. Either way the call must fail, through its task.
    /// </summary>
    private static IEnumerable<(object?[] Args, string What)> ArgumentSets(MethodInfo method)
    {
        var parameters = method.GetParameters();
        var nullability = new NullabilityInfoContext();
        object? Default(ParameterInfo p) =>
            p.ParameterType == typeof(CancellationToken) ? Cancelled
            : p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType)
            : SampleOf(p.ParameterType);

        yield return (parameters.Select(Default).ToArray(), "a cancelled token");
        for (var i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].ParameterType.IsValueType || nullability.Create(parameters[i]).ReadState == NullabilityState.Nullable)
            {
                continue;
            }

            var args = parameters.Select(Default).ToArray();
            args[i] = null;
            yield return (args, $"null {parameters[i].Name} and a cancelled token");
        }
    }

    private static object? SampleOf(Type type) =>
        type == typeof(string) ? "sample"
        : type.IsArray ? Array.CreateInstance(type.GetElementType()!, 0)
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>) ? Array.CreateInstance(type.GetGenericArguments()[0], 0)
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? Array.CreateInstance(type.GetGenericArguments()[0], 0)
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyCollection<>) ? Array.CreateInstance(type.GetGenericArguments()[0], 0)
        : null;
}
