namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>The in-memory implementation of <see cref="IDomainIpAssignmentRepository"/>, behaving like the PostgreSQL one.</summary>
public sealed class InMemoryDomainIpAssignmentRepository : IDomainIpAssignmentRepository
{
    /// <summary>The assignments of each domain (filters, a domain's holdings).</summary>
    internal static readonly GroupIndex<Guid, DomainIpAssignment, DomainId, Guid> ByDomain = GroupIndex.ByKey<DomainIpAssignment, DomainId>(static a =>
        a.DomainId is { } d ? (true, d) : (false, default)
    );

    /// <summary>The assignments of each IP (filters, the cascade of a deleted IP).</summary>
    internal static readonly GroupIndex<Guid, DomainIpAssignment, SmtpIpAddressId, Guid> ByIp = GroupIndex.ByKey<DomainIpAssignment, SmtpIpAddressId>(static a =>
        a.SmtpIpAddressId is { } ip ? (true, ip) : (false, default)
    );

    /// <summary>The assignments in each status (filters and counts by status).</summary>
    internal static readonly GroupIndex<Guid, DomainIpAssignment, DomainIpAssignmentStatus, Guid> ByStatus = GroupIndex.ByKey<DomainIpAssignment, DomainIpAssignmentStatus>(static a =>
        (true, a.Status)
    );

    /// <summary>
    /// The unique index on (domain_id, smtp_ip_address_id) WHERE status IS DISTINCT FROM 'expired'; as in PostgreSQL, a
    /// row with a null domain or IP is not in it (nulls are distinct).
    /// </summary>
    internal static readonly GroupIndex<Guid, DomainIpAssignment, (DomainId, SmtpIpAddressId), Guid> ByDomainAndIp = GroupIndex.ByKey<
        DomainIpAssignment,
        (DomainId, SmtpIpAddressId)
    >(static a => a is { DomainId: { } d, SmtpIpAddressId: { } ip } && a.Status != DomainIpAssignmentStatus.Expired ? (true, (d, ip)) : (false, default));

    /// <summary>
    /// The assignments that expire, in each status but <c>expired</c>, ordered by (expires, uuid): the rotation's due
    /// batch, read from the earliest without a walk of the status (PostgreSQL's index on (status, expires)).
    /// </summary>
    internal static readonly GroupIndex<Guid, DomainIpAssignment, DomainIpAssignmentStatus, (DateTimeOffset Expires, Guid Id)> ByStatusAndExpiry = new(
        static a => a is { Expires: not null, Status: not DomainIpAssignmentStatus.Expired } ? (true, a.Status) : (false, default),
        static (key, a) => (a.Expires!.Value, key),
        Comparer<(DateTimeOffset Expires, Guid Id)>.Create(static (x, y) => x.Expires != y.Expires ? x.Expires.CompareTo(y.Expires) : UuidOrder.Instance.Compare(x.Id, y.Id))
    );

    internal static readonly TableDef<Guid, DomainIpAssignment> Table = new(
        DomainIpAssignment.TableName,
        UuidOrder.Instance,
        ByDomain,
        ByIp,
        ByStatus,
        ByDomainAndIp,
        ByStatusAndExpiry
    )
    {
        RowLocks = IpPoolRowLocks.Assignment,
    };

    private const string Entity = nameof(DomainIpAssignment);
    private readonly StateSession _session;

    /// <summary>Initializes a repository over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store; register the domains with <see cref="InMemoryInfraStore.AddDomain"/>.</param>
    public InMemoryDomainIpAssignmentRepository(InMemoryInfraStore store)
        : this(new AutoCommitSession(store ?? throw new ArgumentNullException(nameof(store)))) { }

    internal InMemoryDomainIpAssignmentRepository(StateSession session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public async Task<DomainIpAssignment?> GetAsync(DomainIpAssignmentId id, CancellationToken cancellationToken = default)
    {
        return await _session.GetAsync(Table, id.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<DomainIpAssignment>> ListAsync(
        DomainIpAssignmentFilter? filter = null,
        PageRequest? page = null,
        CancellationToken cancellationToken = default
    ) =>
        await InMemoryRows.PageByUuidAsync(_session, page, after => Matching(filter, after), static x => x.Id.Value, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long> CountAsync(DomainIpAssignmentFilter? filter = null, CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        if (filter is { DomainId: null, SmtpIpAddressId: null, ExpiringBefore: null, Status: { } status })
        {
            _ = status.ToDatabaseValue();
            return ByStatus.Get(_session.Read().Table(Table), status).Count;
        }

        return filter is null or { DomainId: null, SmtpIpAddressId: null, ExpiringBefore: null, Status: null }
            ? _session.Read().Table(Table).Count
            : Matching(filter, null).Count();
    }

    /// <inheritdoc />
    public async Task<DomainIpAssignment> AddAsync(DomainIpAssignment assignment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var row = DomainIpAssignmentRules.PrepareInsert(assignment, StoreClock.Now(_session.Time));
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                if (table.ContainsKey(row.Id.Value))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                if (
                    row is { DomainId: { } d, SmtpIpAddressId: { } i, Status: not DomainIpAssignmentStatus.Expired }
                    && !ByDomainAndIp.Get(table, (d, i)).IsEmpty
                )
                {
                    throw new DuplicateEntityException(Entity, DomainIpAssignmentRules.DomainIpKey);
                }

                if (row.DomainId is { } domain && !state.HasHost(HostTable.Domains, domain.Value))
                {
                    throw new ReferencedEntityMissingException(Entity, "domain_id", "domains");
                }

                if (row.SmtpIpAddressId is { } ip && !state.Table(InMemorySmtpIpAddressRepository.Table).ContainsKey(ip.Value))
                {
                    throw new ReferencedEntityMissingException(Entity, "smtp_ip_address_id", SmtpIpAddress.TableName);
                }

                return (state.With(Table, table.Add(row.Id.Value, row)), row);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DomainIpAssignment> UpdateAsync(DomainIpAssignment assignment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        EntityValidation.EnsureValid(assignment);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(assignment.Id.Value) ?? throw new EntityNotFoundException(Entity, assignment.Id.ToString());
                if (actual.Status != assignment.Status || actual.WarmupState != assignment.WarmupState || actual.Updated != StoreClock.Truncate(assignment.Updated))
                {
                    throw InfraTelemetry.Conflict(
                        DomainIpAssignmentRules.Conflict(
                            assignment,
                            actual,
                            "it was updated or its status or warmup state changed since it was read"
                        )
                    );
                }

                var stored = actual with
                {
                    Expires = StoreClock.Truncate(assignment.Expires),
                    LastSent = StoreClock.Truncate(assignment.LastSent),
                    Updated = StoreClock.NextUpdated(now, actual.Updated),
                };
                return (state.With(Table, table.SetItem(assignment.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DomainIpAssignment> ChangeStatusAsync(
        DomainIpAssignment current,
        DomainIpAssignmentStatus newStatus,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(current);
        var now = StoreClock.Now(_session.Time);
        _ = DomainIpAssignmentLifecycle.Apply(current, newStatus, now);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(current.Id.Value) ?? throw new EntityNotFoundException(Entity, current.Id.ToString());
                if (actual.Status != current.Status)
                {
                    throw InfraTelemetry.Conflict(DomainIpAssignmentRules.Conflict(current, actual, null));
                }

                // The side rule applied to the stored row, as the single UPDATE statement does on PostgreSQL.
                var next = DomainIpAssignmentLifecycle.Apply(actual, newStatus, now);
                var stored = next with { Updated = StoreClock.NextUpdated(now, actual.Updated) };
                InfraTelemetry.StatusChanged(actual.Status, stored.Status);
                return (state.With(Table, table.SetItem(current.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DomainIpAssignment> ChangeWarmupStateAsync(DomainIpAssignment current, WarmupState newState, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        var now = StoreClock.Now(_session.Time);
        var next = WarmupStateLifecycle.Apply(current, newState, now);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(Table);
                var actual = table.GetValueOrDefault(current.Id.Value) ?? throw new EntityNotFoundException(Entity, current.Id.ToString());
                if (actual.WarmupState != current.WarmupState)
                {
                    throw InfraTelemetry.Conflict(DomainIpAssignmentRules.Conflict(current, actual, null, warmupOnly: true));
                }

                var stored = actual with { WarmupState = next.WarmupState, Updated = StoreClock.NextUpdated(now, actual.Updated) };
                InfraTelemetry.StatusChanged(actual.WarmupState, stored.WarmupState);
                return (state.With(Table, table.SetItem(current.Id.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(DomainIpAssignmentId id, CancellationToken cancellationToken = default) =>
        await _session.DeleteAsync(Table, id.Value, cancellationToken).ConfigureAwait(false);

    // The rows matching the filter after the key (all when null), in key order, read through the narrowest index.
    private IEnumerable<DomainIpAssignment> Matching(DomainIpAssignmentFilter? filter, Guid? after)
    {
        // An undefined enum value fails as on PostgreSQL, where it cannot be written as a parameter.
        _ = filter?.Status?.ToDatabaseValue();
        var before = filter?.ExpiringBefore is { } eb ? StoreClock.Truncate(eb) : (DateTimeOffset?)null;
        var table = _session.Read().Table(Table);
        var group = filter?.DomainId is { } domain ? ByDomain.Get(table, domain)
            : filter?.SmtpIpAddressId is { } ip ? ByIp.Get(table, ip)
            : filter?.Status is { } status ? ByStatus.Get(table, status)
            : null;
        return InMemoryRows
            .After(table, group, after)
            .Where(v =>
                (filter?.DomainId is null || v.DomainId == filter.DomainId)
                && (filter?.SmtpIpAddressId is null || v.SmtpIpAddressId == filter.SmtpIpAddressId)
                && (filter?.Status is null || v.Status == filter.Status)
                && (before is null || (v.Expires is { } e && e < before))
            );
    }
}
