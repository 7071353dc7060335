namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>The in-memory implementation of <see cref="ISmtpIpAddressRepository"/>, behaving like the PostgreSQL one.</summary>
public sealed class InMemorySmtpIpAddressRepository : ISmtpIpAddressRepository
{
    /// <summary>The IPs of each VPS instance (filters, the address lookup, the cascade of a deleted instance).</summary>
    internal static readonly GroupIndex<Guid, SmtpIpAddress, VpsInstanceId, Guid> ByVps = GroupIndex.ByKey<SmtpIpAddress, VpsInstanceId>(static ip =>
        ip.VpsInstanceId is { } v ? (true, v) : (false, default)
    );

    /// <summary>The IPs in each status (filters and counts by status).</summary>
    internal static readonly GroupIndex<Guid, SmtpIpAddress, SmtpIpAddressStatus, Guid> ByStatus = GroupIndex.ByKey<SmtpIpAddress, SmtpIpAddressStatus>(static ip =>
        (true, ip.Status)
    );

    internal static readonly TableDef<Guid, SmtpIpAddress> Table = new(
        SmtpIpAddress.TableName,
        UuidOrder.Instance,
        ByVps,
        ByStatus,
        InMemoryAllocationIndex.ByRank
    )
    {
        RowLocks = IpPoolRowLocks.SmtpIp,
    };

    private const string Entity = nameof(SmtpIpAddress);
    private readonly StateSession _session;

    /// <summary>Initializes a repository over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    public InMemorySmtpIpAddressRepository(InMemoryInfraStore store)
        : this(new AutoCommitSession(store ?? throw new ArgumentNullException(nameof(store)))) { }

    internal InMemorySmtpIpAddressRepository(StateSession session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public async Task<SmtpIpAddress?> GetAsync(SmtpIpAddressId id, CancellationToken cancellationToken = default)
    {
        return await _session.GetAsync(Table, id.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SmtpIpAddress?> GetByAddressAsync(VpsInstanceId vpsInstanceId, string ipAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ipAddress);
        _session.Enter(cancellationToken);
        // The index lists the instance's IPs in key order, so the first match has the lowest id, as ORDER BY id LIMIT 1.
        var table = _session.Read().Table(Table);
        return ByVps
            .Get(table, vpsInstanceId)
            .Select(id => table.GetValueOrDefault(id)!)
            .FirstOrDefault(v => string.Equals(v.IpAddress, ipAddress, StringComparison.Ordinal));
    }

    /// <inheritdoc />
    public async Task<Page<SmtpIpAddress>> ListAsync(SmtpIpAddressFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default) =>
        await InMemoryRows.PageByUuidAsync(_session, page, after => Matching(filter, after), static x => x.Id.Value, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long> CountAsync(SmtpIpAddressFilter? filter = null, CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        if (filter is { VpsInstanceId: null, ReputationState: null, Status: { } status })
        {
            _ = status.ToDatabaseValue();
            return ByStatus.Get(_session.Read().Table(Table), status).Count;
        }

        return filter is null or { VpsInstanceId: null, ReputationState: null, Status: null } ? _session.Read().Table(Table).Count : Matching(filter, null).Count();
    }

    /// <inheritdoc />
    public async Task<SmtpIpAddress> AddAsync(SmtpIpAddress ip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ip);
        SmtpIpAddressRules.EnsureInsertable(ip);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                if (table.ContainsKey(ip.Id.Value))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                EnsureVpsExists(state, ip.VpsInstanceId);
                var stored = Stamp(ip, now);
                return (state.With(Table, table.Add(ip.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SmtpIpAddress> UpdateAsync(SmtpIpAddress ip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ip);
        EntityValidation.EnsureValid(ip);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(ip.Id.Value) ?? throw new EntityNotFoundException(Entity, ip.Id.ToString());
                if (actual.Status != ip.Status)
                {
                    throw InfraTelemetry.Conflict(Conflict(ip, actual));
                }

                if (actual.Updated != StoreClock.Truncate(ip.Updated))
                {
                    throw InfraTelemetry.Conflict(new ConcurrencyConflictException(Entity, ip.Id.ToString(), "it was updated or its status changed since it was read"));
                }

                EnsureVpsExists(state, ip.VpsInstanceId);
                var stored = actual with
                {
                    VpsInstanceId = ip.VpsInstanceId,
                    IpAddress = ip.IpAddress,
                    ReputationState = ip.ReputationState,
                    ApproximateCost = DecimalColumn.AtScale(ip.ApproximateCost, 2),
                    LastReputationCheck = StoreClock.Truncate(ip.LastReputationCheck),
                    ProviderBlacklistStatus = RoundTrip(ip.ProviderBlacklistStatus),
                    Updated = StoreClock.NextUpdated(now, actual.Updated),
                };
                return (state.With(Table, table.SetItem(ip.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SmtpIpAddress> ChangeStatusAsync(SmtpIpAddress current, SmtpIpAddressStatus newStatus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        var now = StoreClock.Now(_session.Time);
        var next = SmtpIpAddressLifecycle.Apply(current, newStatus, now);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(current.Id.Value) ?? throw new EntityNotFoundException(Entity, current.Id.ToString());
                if (actual.Status != current.Status)
                {
                    throw InfraTelemetry.Conflict(Conflict(current, actual));
                }

                var stored = actual with { Status = next.Status, Updated = StoreClock.NextUpdated(now, actual.Updated) };
                InfraTelemetry.StatusChanged(actual.Status, stored.Status);
                return (state.With(Table, table.SetItem(current.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SmtpIpAddress> AdjustAssignedCountAsync(SmtpIpAddressId id, int delta, CancellationToken cancellationToken = default)
    {
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(id.Value) ?? throw new EntityNotFoundException(Entity, id.ToString());
                var error = SmtpIpAddressRules.AssignedCountError(actual.AssignedCount, delta);
                if (error is not null)
                {
                    throw error;
                }

                var stored = actual with { AssignedCount = actual.AssignedCount + delta, Updated = StoreClock.NextUpdated(now, actual.Updated) };
                return (state.With(Table, table.SetItem(id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(SmtpIpAddressId id, CancellationToken cancellationToken = default) =>
        await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                if (!table.ContainsKey(id.Value))
                {
                    return (state, false);
                }

                state = state.With(Table, table.Remove(id.Value));
                return (Cascades.OnSmtpIpAddressDeleted(state, id.Value), true);
            },
            cancellationToken
        ).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<int> BulkImportAsync(IReadOnlyCollection<SmtpIpAddress> ips, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ips);
        SmtpIpAddressRules.EnsureImportable(ips);
        _session.Enter(cancellationToken);
        if (ips.Count == 0)
        {
            return 0;
        }

        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                // As PostgreSQL: unique keys are checked row by row, foreign keys at the end of the COPY statement.
                if (ips.Any(ip => table.ContainsKey(ip.Id.Value)))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                foreach (var ip in ips)
                {
                    EnsureVpsExists(state, ip.VpsInstanceId);
                }

                var stored = table.AddRange(ips.Select(ip => new KeyValuePair<Guid, SmtpIpAddress>(ip.Id.Value, Stamp(ip, now))));
                return (state.With(Table, stored), ips.Count);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    private static SmtpIpAddress Stamp(SmtpIpAddress ip, DateTimeOffset now) =>
        ip with
        {
            ApproximateCost = DecimalColumn.AtScale(ip.ApproximateCost, 2),
            LastReputationCheck = StoreClock.Truncate(ip.LastReputationCheck),
            ProviderBlacklistStatus = RoundTrip(ip.ProviderBlacklistStatus),
            Created = now,
            Updated = now,
        };

    /// <summary>The value as it reads back from the JSONB column (timestamps in UTC, truncated as PostgreSQL stores them).</summary>
    private static ProviderBlacklistStatus? RoundTrip(ProviderBlacklistStatus? value) =>
        value is null ? null : ProviderBlacklistStatus.FromJson(value.ToJson());

    private static void EnsureVpsExists(StoreState state, VpsInstanceId? vps)
    {
        if (vps is { } id && !state.Table(InMemoryVpsInstanceRepository.Table).ContainsKey(id.Value))
        {
            throw new ReferencedEntityMissingException(Entity, "vps_instance_id", VpsInstance.TableName);
        }
    }

    // The rows matching the filter after the key (all when null), in key order, read through the narrowest index.
    private IEnumerable<SmtpIpAddress> Matching(SmtpIpAddressFilter? filter, Guid? after)
    {
        // An undefined enum value fails as on PostgreSQL, where it cannot be written as a parameter.
        _ = filter?.Status?.ToDatabaseValue();
        _ = filter?.ReputationState?.ToDatabaseValue();
        var table = _session.Read().Table(Table);
        var group = filter?.VpsInstanceId is { } vps ? ByVps.Get(table, vps)
            : filter?.Status is { } status ? ByStatus.Get(table, status)
            : null;
        return InMemoryRows
            .After(table, group, after)
            .Where(v =>
                (filter?.VpsInstanceId is null || v.VpsInstanceId == filter.VpsInstanceId)
                && (filter?.Status is null || v.Status == filter.Status)
                && (filter?.ReputationState is null || v.ReputationState == filter.ReputationState)
            );
    }

    private static ConcurrencyConflictException Conflict(SmtpIpAddress expected, SmtpIpAddress actual) =>
        new(
            Entity,
            expected.Id.ToString(),
            $"expected status '{expected.Status.ToDatabaseValue()}' but found '{actual.Status.ToDatabaseValue()}'"
        );
}
