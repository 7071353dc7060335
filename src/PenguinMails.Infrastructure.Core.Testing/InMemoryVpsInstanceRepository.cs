namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>The in-memory implementation of <see cref="IVpsInstanceRepository"/>, behaving like the PostgreSQL one.</summary>
public sealed class InMemoryVpsInstanceRepository : IVpsInstanceRepository
{
    internal static readonly TableDef<Guid, VpsInstance> Table = new(VpsInstance.TableName, UuidOrder.Instance) { RowLocks = IpPoolRowLocks.Vps };

    private const string Entity = nameof(VpsInstance);
    private readonly StateSession _session;

    /// <summary>Initializes a repository over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    public InMemoryVpsInstanceRepository(InMemoryInfraStore store)
        : this(new AutoCommitSession(store ?? throw new ArgumentNullException(nameof(store)))) { }

    internal InMemoryVpsInstanceRepository(StateSession session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public async Task<VpsInstance?> GetAsync(VpsInstanceId id, CancellationToken cancellationToken = default)
    {
        return await _session.GetAsync(Table, id.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<VpsInstance?> GetByHostwindsInstanceIdAsync(string hostwindsInstanceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostwindsInstanceId);
        _session.Enter(cancellationToken);
        return 
            _session.Read().Table(Table).Values.FirstOrDefault(v => string.Equals(v.HostwindsInstanceId, hostwindsInstanceId, StringComparison.Ordinal))
        ;
    }

    /// <inheritdoc />
    public async Task<Page<VpsInstance>> ListAsync(VpsInstanceFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default) =>
        await InMemoryRows.PageByUuidAsync(_session, page, after => Matching(filter, after), static x => x.Id.Value, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long> CountAsync(VpsInstanceFilter? filter = null, CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return (long)Matching(filter).Count();
    }

    /// <inheritdoc />
    public async Task<VpsInstance> AddAsync(VpsInstance vps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vps);
        VpsInstanceRules.EnsureInsertable(vps);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                if (table.ContainsKey(vps.Id.Value))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                if (vps.HostwindsInstanceId is not null && table.Values.Any(v => v.HostwindsInstanceId == vps.HostwindsInstanceId))
                {
                    throw new DuplicateEntityException(Entity, "hostwinds_instance_id");
                }

                var stored = vps with
                {
                    MonthlyCost = DecimalColumn.AtScale(vps.MonthlyCost, 2),
                    ApproximateCost = DecimalColumn.AtScale(vps.ApproximateCost, 2),
                    CurrentBillingPeriodStart = StoreClock.Truncate(vps.CurrentBillingPeriodStart),
                    CurrentBillingPeriodEnd = StoreClock.Truncate(vps.CurrentBillingPeriodEnd),
                    DecommissionScheduledFor = StoreClock.Truncate(vps.DecommissionScheduledFor),
                    Created = now,
                    Updated = now,
                };
                return (state.With(Table, table.Add(vps.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<VpsInstance> UpdateAsync(VpsInstance vps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vps);
        EntityValidation.EnsureValid(vps);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(vps.Id.Value) ?? throw new EntityNotFoundException(Entity, vps.Id.ToString());
                if (actual.Status != vps.Status)
                {
                    throw InfraTelemetry.Conflict(Conflict(vps, actual));
                }

                if (actual.Updated != StoreClock.Truncate(vps.Updated))
                {
                    throw InfraTelemetry.Conflict(new ConcurrencyConflictException(Entity, vps.Id.ToString(), "it was updated or its status changed since it was read"));
                }

                if (vps.HostwindsInstanceId is not null && table.Values.Any(v => v.Id != vps.Id && v.HostwindsInstanceId == vps.HostwindsInstanceId))
                {
                    throw new DuplicateEntityException(Entity, "hostwinds_instance_id");
                }

                var stored = actual with
                {
                    HostwindsInstanceId = vps.HostwindsInstanceId,
                    IpAddress = vps.IpAddress,
                    Region = vps.Region,
                    MonthlyCost = DecimalColumn.AtScale(vps.MonthlyCost, 2),
                    ApproximateCost = DecimalColumn.AtScale(vps.ApproximateCost, 2),
                    HostwindsBillingDay = vps.HostwindsBillingDay,
                    CurrentBillingPeriodStart = StoreClock.Truncate(vps.CurrentBillingPeriodStart),
                    CurrentBillingPeriodEnd = StoreClock.Truncate(vps.CurrentBillingPeriodEnd),
                    Updated = StoreClock.NextUpdated(now, actual.Updated),
                };
                return (state.With(Table, table.SetItem(vps.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<VpsInstance> ChangeStatusAsync(
        VpsInstance current,
        VpsInstanceStatus newStatus,
        DateTimeOffset? decommissionAt = null,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(current);
        var now = StoreClock.Now(_session.Time);
        var next = VpsInstanceLifecycle.Apply(current, newStatus, now, StoreClock.Truncate(decommissionAt));
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(current.Id.Value) ?? throw new EntityNotFoundException(Entity, current.Id.ToString());
                if (actual.Status != current.Status)
                {
                    throw InfraTelemetry.Conflict(Conflict(current, actual));
                }

                if (VpsInstanceRules.SideRuleReadsSnapshot(newStatus, decommissionAt) && actual.Updated != StoreClock.Truncate(current.Updated))
                {
                    throw InfraTelemetry.Conflict(new ConcurrencyConflictException(Entity, current.Id.ToString(), VpsInstanceRules.StaleBillingReason));
                }

                var stored = actual with
                {
                    Status = next.Status,
                    DecommissionScheduledFor = StoreClock.Truncate(next.DecommissionScheduledFor),
                    Updated = StoreClock.NextUpdated(now, actual.Updated),
                };
                InfraTelemetry.StatusChanged(actual.Status, stored.Status);
                return (state.With(Table, table.SetItem(current.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(VpsInstanceId id, CancellationToken cancellationToken = default) =>
        await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                if (!table.ContainsKey(id.Value))
                {
                    return (state, false);
                }

                state = state.With(Table, table.Remove(id.Value));
                return (Cascades.OnVpsInstanceDeleted(state, id.Value), true);
            },
            cancellationToken
        ).ConfigureAwait(false);

    private IEnumerable<VpsInstance> Matching(VpsInstanceFilter? filter, Guid? after = null)
    {
        // An undefined enum value fails as on PostgreSQL, where it cannot be written as a parameter.
        _ = filter?.Status?.ToDatabaseValue();
        return InMemoryRows
            .After(_session.Read().Table(Table), null, after)
            .Where(v =>
                (filter?.Status is null || v.Status == filter.Status)
                && (filter?.Region is null || string.Equals(v.Region, filter.Region, StringComparison.Ordinal))
            );
    }

    private static ConcurrencyConflictException Conflict(VpsInstance expected, VpsInstance actual) =>
        new(
            Entity,
            expected.Id.ToString(),
            $"expected status '{expected.Status.ToDatabaseValue()}' but found '{actual.Status.ToDatabaseValue()}'"
        );
}
