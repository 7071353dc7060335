using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>
/// The PostgreSQL <see cref="IIpPoolAllocator"/>: one read-committed transaction per allocation; the domain is
/// serialized with a transaction-level advisory lock, the chosen IP row is locked with <c>FOR UPDATE SKIP LOCKED</c>
/// (so concurrent allocations never wait on each other's IPs, they take the next one), then the assignment is inserted,
/// <c>assigned_count</c> incremented and the IP's status moved, all through the package's repositories.
/// </summary>
public sealed class NpgsqlIpPoolAllocator : IIpPoolAllocator
{
    /// <summary>The first key of the advisory lock that serializes one domain's pool operations ("PMIP").</summary>
    internal const int DomainLockClass = 0x504D4950;

    private static readonly string[] AssignableStatuses =
        [.. Enum.GetValues<SmtpIpAddressStatus>().Where(SmtpIpAddressLifecycle.IsAssignable).Select(s => s.ToDatabaseValue())];

    private const string LockDomainSql = "SELECT pg_advisory_xact_lock($1, $2)";

    private const string LoadIpsSql =
        "SELECT ip.id, ip.vps_instance_id, v.region, v.status, ip.status, ip.reputation_state, COALESCE(ip.assigned_count, 0) "
        + "FROM $(schema).smtp_ip_addresses ip LEFT JOIN $(schema).vps_instances v ON v.id = ip.vps_instance_id "
        + "WHERE ip.status = ANY($1)";

    private const string LoadHoldingsSql =
        "SELECT a.smtp_ip_address_id, ip.vps_instance_id, v.region FROM $(schema).domain_ip_assignments a "
        + "JOIN $(schema).smtp_ip_addresses ip ON ip.id = a.smtp_ip_address_id "
        + "LEFT JOIN $(schema).vps_instances v ON v.id = ip.vps_instance_id "
        + "WHERE a.domain_id = $1 AND a.status IS DISTINCT FROM $2";

    // Rows are locked in the policy's order; a row another transaction holds is skipped, and a row changed since the
    // candidates were read is re-checked on its newest version (status, capacity, VPS) before it is locked.
    private const string LockSql =
        "SELECT ip.id, ip.vps_instance_id, ip.ip_address, ip.status, ip.reputation_state, ip.approximate_cost, ip.last_reputation_check, "
        + "ip.assigned_count, ip.provider_blacklist_status, ip.created, ip.updated "
        + "FROM unnest($1::uuid[]) WITH ORDINALITY AS c(id, ord) JOIN $(schema).smtp_ip_addresses ip ON ip.id = c.id "
        + "WHERE ip.status = ANY($2) AND COALESCE(ip.assigned_count, 0) < $3 "
        + "AND (NOT $4 OR EXISTS (SELECT 1 FROM $(schema).vps_instances v WHERE v.id = ip.vps_instance_id AND v.status = $5)) "
        + "ORDER BY c.ord LIMIT 1 FOR UPDATE OF ip SKIP LOCKED";

    private readonly IpAllocationEngine _engine;

    /// <summary>Initializes an allocator over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="options">The allocation policy; the defaults when null.</param>
    /// <param name="schema">The schema the tables live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock; the system clock by default.</param>
    /// <param name="logger">The logger (event ids 7000–7049), or null.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options break a rule (every failure listed).</exception>
    public NpgsqlIpPoolAllocator(
        NpgsqlDataSource dataSource,
        IpAllocationOptions? options = null,
        string schema = SchemaName.Default,
        TimeProvider? timeProvider = null,
        ILogger<NpgsqlIpPoolAllocator>? logger = null
    )
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var time = timeProvider ?? TimeProvider.System;
        var store = new Store(new NpgsqlInfraUnitOfWorkFactory(dataSource, schema, time), SchemaName.Validate(schema));
        _engine = new IpAllocationEngine(store, options ?? new IpAllocationOptions(), time, logger);
    }

    /// <inheritdoc />
    public IInfraUnitOfWorkFactory UnitOfWork => _engine.UnitOfWork;

    /// <inheritdoc />
    public Task<IpAllocation> AllocateAsync(IpAllocationRequest request, CancellationToken cancellationToken = default) =>
        _engine.AllocateAsync(request, cancellationToken);

    /// <inheritdoc />
    public Task<IpAllocation> AllocateAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, CancellationToken cancellationToken = default) =>
        _engine.AllocateInAsync(unitOfWork, request, cancellationToken);

    /// <inheritdoc />
    public Task LockDomainAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken = default) =>
        _engine.LockDomainAsync(unitOfWork, domainId, cancellationToken);

    /// <summary>The second key of a domain's advisory lock: the domain id folded to 32 bits (a collision only serializes two domains).</summary>
    internal static int DomainLockKey(DomainId domainId)
    {
        Span<int> parts = stackalloc int[4];
        domainId.Value.TryWriteBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(parts));
        return parts[0] ^ parts[1] ^ parts[2] ^ parts[3];
    }

    private sealed class Store(NpgsqlInfraUnitOfWorkFactory factory, string schema) : IIpAllocationStore
    {
        private readonly string _loadIps = SchemaName.Render(LoadIpsSql, schema);
        private readonly string _loadHoldings = SchemaName.Render(LoadHoldingsSql, schema);
        private readonly string _lock = SchemaName.Render(LockSql, schema);

        public IInfraUnitOfWorkFactory UnitOfWork => factory;

        public Task LockDomainAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken) =>
            Executor(unitOfWork).ExecuteAsync(
                "IpPool",
                domainId.ToString(),
                LockDomainSql,
                domainId,
                static (p, d) =>
                {
                    p.Int(DomainLockClass);
                    p.Int(DomainLockKey(d));
                },
                static (r, _, ct) => r.ReadAsync(ct),
                cancellationToken);

        public async Task<(List<IpPoolRow> Rows, List<DomainHolding> Holdings)> LoadAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken)
        {
            var db = Executor(unitOfWork);
            var rows = await db.ExecuteAsync(
                    nameof(SmtpIpAddress),
                    "ip pool",
                    _loadIps,
                    0,
                    static (p, _) => p.Add(new NpgsqlParameter<string[]> { TypedValue = AssignableStatuses, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text }),
                    static (r, _, ct) => PgReads.AllAsync(r, ReadRow, ct),
                    cancellationToken)
                .ConfigureAwait(false);
            var holdings = await db.ExecuteAsync(
                    nameof(DomainIpAssignment),
                    domainId.ToString(),
                    _loadHoldings,
                    domainId,
                    static (p, d) =>
                    {
                        p.Uuid(d.Value);
                        p.Text(DomainIpAssignmentStatus.Expired.ToDatabaseValue());
                    },
                    static (r, _, ct) => PgReads.AllAsync(r, ReadHolding, ct),
                    cancellationToken)
                .ConfigureAwait(false);
            return (rows, holdings);
        }

        public Task<SmtpIpAddress?> TryLockAsync(IInfraUnitOfWork unitOfWork, IReadOnlyList<SmtpIpAddressId> ranked, IpAllocationOptions options, CancellationToken cancellationToken) =>
            Executor(unitOfWork).ExecuteAsync(
                nameof(SmtpIpAddress),
                "ip pool lock",
                _lock,
                (ids: ranked.Select(i => i.Value).ToArray(), max: options.MaxAssignmentsPerIp, active: options.RequireActiveVps),
                static (p, s) =>
                {
                    p.Add(new NpgsqlParameter<Guid[]> { TypedValue = s.ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
                    p.Add(new NpgsqlParameter<string[]> { TypedValue = AssignableStatuses, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                    p.Int(s.max);
                    p.Bool(s.active);
                    p.Text(VpsInstanceStatus.Active.ToDatabaseValue());
                },
                static (r, _, ct) => PgReads.OneAsync(r, NpgsqlSmtpIpAddressRepository.Read, ct),
                cancellationToken);

        private PgExecutor Executor(IInfraUnitOfWork unitOfWork)
        {
            ArgumentNullException.ThrowIfNull(unitOfWork);
            if (unitOfWork is not NpgsqlInfraUnitOfWork npgsql || npgsql.Executor.Schema != schema)
            {
                throw new ArgumentException(
                    "The unit of work must come from this allocator's PostgreSQL store and schema (its UnitOfWork factory).",
                    nameof(unitOfWork));
            }

            return npgsql.Executor;
        }

        private static IpPoolRow ReadRow(NpgsqlDataReader r)
        {
            var key = r.GetGuid(0).ToString("D");
            return new IpPoolRow(
                new SmtpIpAddressId(r.GetGuid(0)),
                r.UuidOrNull(1) is { } vps ? new VpsInstanceId(vps) : null,
                r.TextOrNull(2),
                r.TextOrNull(3) is { } vs ? VpsInstanceStatusExtensions.Map.FromDb(vs, key) : null,
                SmtpIpAddressStatusExtensions.Map.FromDb(r.TextOrNull(4), key),
                r.TextOrNull(5) is { } rs ? ReputationStateExtensions.Map.FromDb(rs, key) : null,
                r.GetInt32(6));
        }

        private static DomainHolding ReadHolding(NpgsqlDataReader r) =>
            new(new SmtpIpAddressId(r.GetGuid(0)), r.UuidOrNull(1) is { } vps ? new VpsInstanceId(vps) : null, r.TextOrNull(2));
    }
}
