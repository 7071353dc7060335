using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>
/// The PostgreSQL <see cref="IIpPoolAllocator"/>: one read-committed transaction per allocation; the domain is
/// serialized with a transaction-level advisory lock, the chosen IP row is locked with <c>FOR UPDATE SKIP LOCKED</c>
/// (so concurrent allocations never wait on each other's IPs, they take the next one), then the assignment is inserted,
/// <c>assigned_count</c> incremented and the IP's status moved in one statement. The IP is chosen by one ranked statement
/// that applies <see cref="IpAllocationPolicy"/> in SQL (same eligibility, same order) and, with the default
/// <see cref="IpAllocationOptions.StatusPreference"/>, is served by the index <c>ix_smtp_ip_addresses_allocation_rank</c>:
/// it reads the few rows ahead of the one it locks, not the fleet.
/// </summary>
public sealed class NpgsqlIpPoolAllocator : IIpPoolAllocator, IIpRotationStoreSource
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

    private const string DueSql =
        "SELECT " + AssignmentColumns + " FROM $(schema).domain_ip_assignments "
        + "WHERE status IN ('scheduled', 'warming', 'active') AND expires IS NOT NULL AND expires < $1 "
        + "ORDER BY expires, id LIMIT $2 FOR UPDATE SKIP LOCKED";

    // The batch's IPs are locked in id order before any of them is updated, so two batches sharing IPs wait for each
    // other instead of deadlocking.
    private const string LockIpsSql = "SELECT id FROM $(schema).smtp_ip_addresses WHERE id = ANY($1) ORDER BY id FOR UPDATE";

    private const string LockDomainsSql =
        "SELECT pg_advisory_xact_lock($1, k) FROM (SELECT DISTINCT unnest($2::int[]) AS k ORDER BY k) AS keys";

    private const string InForceSql =
        "SELECT DISTINCT domain_id FROM $(schema).domain_ip_assignments "
        + "WHERE domain_id = ANY($1) AND status IN ('active', 'warming') AND (expires IS NULL OR expires > $2)";

    // The batch's expiries and their IPs' release in one statement, with the values of the statement-by-statement
    // path: each assignment expired by compare-and-set on its status (expires becomes now when later); each IP's count
    // minus its expired assignments (never below 0), an 'assigned' IP left without assignments back to 'available'
    // (one microsecond later, as a second update would stamp it). Returns each expired assignment with its IP's status
    // before and after.
    private const string ExpireSql =
        "WITH e AS (UPDATE $(schema).domain_ip_assignments a SET status = 'expired', "
        + "expires = CASE WHEN a.expires IS NULL OR a.expires > $2 THEN $2 ELSE a.expires END, "
        + "updated = GREATEST($2, a.updated + interval '1 microsecond') "
        + "FROM unnest($1::uuid[], $3::text[]) AS d(id, status) WHERE a.id = d.id AND a.status = d.status "
        + "RETURNING a.id, a.smtp_ip_address_id), "
        + "g AS (SELECT smtp_ip_address_id AS id, count(*) AS k FROM e WHERE smtp_ip_address_id IS NOT NULL GROUP BY 1), "
        + "b AS (SELECT ip.id, ip.status, COALESCE(ip.assigned_count, 0) AS n, LEAST(g.k, COALESCE(ip.assigned_count, 0)) AS dec "
        + "FROM $(schema).smtp_ip_addresses ip JOIN g ON g.id = ip.id), "
        + "u AS (UPDATE $(schema).smtp_ip_addresses ip SET assigned_count = CASE WHEN b.dec > 0 THEN b.n - b.dec ELSE ip.assigned_count END, "
        + "status = CASE WHEN ip.status = 'assigned' AND b.n - b.dec = 0 THEN 'available' ELSE ip.status END, "
        + "updated = GREATEST($2, ip.updated + interval '1 microsecond') "
        + "+ CASE WHEN b.dec > 0 AND ip.status = 'assigned' AND b.n - b.dec = 0 THEN interval '1 microsecond' ELSE interval '0' END "
        + "FROM b WHERE ip.id = b.id AND (b.dec > 0 OR (ip.status = 'assigned' AND b.n - b.dec = 0)) RETURNING ip.id, ip.status) "
        + "SELECT e.id, b.status, COALESCE(u.status, b.status) FROM e LEFT JOIN b ON b.id = e.smtp_ip_address_id "
        + "LEFT JOIN u ON u.id = e.smtp_ip_address_id";

    private const string IpColumns =
        "ip.id, ip.vps_instance_id, ip.ip_address, ip.status, ip.reputation_state, ip.approximate_cost, ip.last_reputation_check, "
        + "ip.assigned_count, ip.provider_blacklist_status, ip.created, ip.updated";

    private const string AssignmentColumns = "id, domain_id, smtp_ip_address_id, status, assigned, expires, warmup_state, last_sent, created, updated";

    private readonly IpAllocationEngine _engine;
    private readonly IIpRotationStore _rotation;

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
        options ??= new IpAllocationOptions();
        var store = new Store(new NpgsqlInfraUnitOfWorkFactory(dataSource, schema, time), SchemaName.Validate(schema), options, time);
        _engine = new IpAllocationEngine(store, options, time, logger);
        store.Engine = _engine;
        _rotation = store;
    }

    /// <inheritdoc />
    public IInfraUnitOfWorkFactory UnitOfWork => _engine.UnitOfWork;

    IIpRotationStore IIpRotationStoreSource.RotationStore => _rotation;

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

    /// <summary>
    /// The ranked pick: <see cref="IpAllocationPolicy"/> as one statement. The order is the policy's
    /// (<see cref="IpAllocationPolicy.Compare"/>): the domain's holdings on the IP's VPS, then in its region, then the
    /// status's place in <see cref="IpAllocationOptions.StatusPreference"/>, the reputation rank, the assigned count and
    /// the id. Because a domain holds few IPs, nearly every candidate has no holding on its VPS or in its region, so the
    /// first branch looks only at those, in the order of the last four keys, which the allocation index serves; the second
    /// branch, with the full order sorted, runs only when the first finds nothing (every unheld VPS and region exhausted or
    /// locked). Rows another transaction holds are skipped (<c>SKIP LOCKED</c>).
    /// </summary>
    /// <remarks>
    /// The rank expressions are written out from constants (the status and reputation values of the enums, in the order
    /// the options give), never from input, so the statement text equals the index's expressions and the planner can use
    /// it; everything that varies per call is a parameter.
    /// </remarks>
    internal static string PickSql(IpAllocationOptions options, RequestFilters filters = RequestFilters.None)
    {
        var (holdings, pick) = PickParts(options, filters);
        return holdings + pick;
    }

    /// <summary>Which of a request's filters a statement carries (one statement text per combination).</summary>
    [Flags]
    internal enum RequestFilters
    {
        None = 0,
        ExcludeIps = 1,
        OnlyIps = 2,
        ExcludeVpsInstances = 4,
    }

    internal static RequestFilters FiltersOf(IpAllocationRequest request) =>
        (request.ExcludeIps is { Count: > 0 } ? RequestFilters.ExcludeIps : RequestFilters.None)
        | (request.OnlyIps is not null ? RequestFilters.OnlyIps : RequestFilters.None)
        | (request.ExcludeVpsInstances is { Count: > 0 } ? RequestFilters.ExcludeVpsInstances : RequestFilters.None);

    /// <summary>
    /// The whole allocation after the domain lock, as one statement: the ranked pick (<see cref="PickSql"/>) as a CTE,
    /// the IP's update on the picked row, then the insert only if the update found it. Returns the IP's status before,
    /// the assignment and the IP as stored; no row when nothing could be locked. The assignment's values are those of
    /// the statement-by-statement path: inserted in its final status (the lifecycle's move from scheduled, checked
    /// before), <c>updated</c> one microsecond after <c>created</c>, the IP's <c>updated</c> one microsecond more when its
    /// status moves.
    /// </summary>
    internal static string TakeSql(IpAllocationOptions options, RequestFilters filters)
    {
        var (holdings, pick) = PickParts(options, filters);
        return holdings + ", p AS (" + pick + "), "
            + "u AS (UPDATE $(schema).smtp_ip_addresses ip SET assigned_count = COALESCE(ip.assigned_count, 0) + 1, "
            + "status = CASE WHEN ip.status IN ('available', 'warmed') THEN 'assigned' ELSE ip.status END, "
            + "updated = GREATEST($7, ip.updated + interval '1 microsecond') "
            + "+ CASE WHEN ip.status IN ('available', 'warmed') THEN interval '1 microsecond' ELSE interval '0' END "
            + "FROM p WHERE ip.id = p.id AND COALESCE(ip.assigned_count, 0) < 2147483647 RETURNING " + IpColumns + "), "
            + "a AS (INSERT INTO $(schema).domain_ip_assignments (" + AssignmentColumns + ") "
            + "SELECT $5, $1, u.id, CASE WHEN p.status = 'warming' THEN 'warming' ELSE 'active' END, $7, $6, $8, NULL, $7, $7 + interval '1 microsecond' "
            + "FROM u CROSS JOIN p RETURNING " + AssignmentColumns + ") "
            + "SELECT p.status, a.*, u.* FROM p LEFT JOIN u ON true LEFT JOIN a ON true";
    }

    // The options' values are written into the statement as constants (a validated integer, enum values), so they
    // never make the server re-plan; per call only the domain and the request's filters are parameters, and a filter
    // the request does not use is not in the text, so the prepared statement keeps one plan.
    private static (string Holdings, string Pick) PickParts(IpAllocationOptions options, RequestFilters filters)
    {
        var rank = new List<string>();
        if (options.StatusPreference.Count > 0)
        {
            var statusRank = new StringBuilder("CASE ip.status");
            for (var i = 0; i < options.StatusPreference.Count; i++)
            {
                statusRank.Append(CultureInfo.InvariantCulture, $" WHEN '{options.StatusPreference[i].ToDatabaseValue()}' THEN {i}");
            }

            rank.Add(statusRank.Append(CultureInfo.InvariantCulture, $" ELSE {options.StatusPreference.Count} END").ToString());
        }

        if (options.PreferGoodReputation)
        {
            rank.Add(ReputationRankSql);
        }

        rank.Add("COALESCE(ip.assigned_count, 0)");
        rank.Add("ip.id");

        var from = options.RequireActiveVps
            ? "FROM $(schema).smtp_ip_addresses ip JOIN $(schema).vps_instances v ON v.id = ip.vps_instance_id AND v.status = 'active' "
            : "FROM $(schema).smtp_ip_addresses ip LEFT JOIN $(schema).vps_instances v ON v.id = ip.vps_instance_id ";
        var eligible =
            "WHERE ip.status IN (" + string.Join(", ", AssignableStatuses.Select(v => "'" + v + "'")) + ") "
            + string.Create(CultureInfo.InvariantCulture, $"AND COALESCE(ip.assigned_count, 0) < {options.MaxAssignmentsPerIp} ")
            + (filters.HasFlag(RequestFilters.ExcludeIps) ? "AND NOT (ip.id = ANY($2)) " : "")
            + (filters.HasFlag(RequestFilters.OnlyIps) ? "AND ip.id = ANY($3) " : "")
            + (filters.HasFlag(RequestFilters.ExcludeVpsInstances) ? "AND (ip.vps_instance_id IS NULL OR NOT (ip.vps_instance_id = ANY($4))) " : "")
            + (options.ExcludedReputationStates.Count > 0
                ? "AND (ip.reputation_state IS NULL OR ip.reputation_state NOT IN ("
                    + string.Join(", ", options.ExcludedReputationStates.Order().Select(r => "'" + r.ToDatabaseValue() + "'")) + ")) "
                : "")
            + "AND NOT (ip.id = ANY(ARRAY(SELECT h.ip_id FROM h))) ";
        var holdings =
            "WITH h AS MATERIALIZED (SELECT a.smtp_ip_address_id AS ip_id, hip.vps_instance_id AS vps_id, hv.region "
            + "FROM $(schema).domain_ip_assignments a JOIN $(schema).smtp_ip_addresses hip ON hip.id = a.smtp_ip_address_id "
            + "LEFT JOIN $(schema).vps_instances hv ON hv.id = hip.vps_instance_id "
            + "WHERE a.domain_id = $1 AND a.status IS DISTINCT FROM 'expired') ";
        const string Lock = " LIMIT 1 FOR UPDATE OF ip SKIP LOCKED";
        var select = "SELECT " + IpColumns + " " + from + eligible;
        if (!options.SpreadAcrossVpsInstances && !options.SpreadAcrossRegions)
        {
            return (holdings, select + "ORDER BY " + string.Join(", ", rank) + Lock);
        }

        var unheld = new StringBuilder();
        var spread = new List<string>();
        if (options.SpreadAcrossVpsInstances)
        {
            unheld.Append("AND (ip.vps_instance_id IS NULL OR NOT (ip.vps_instance_id = ANY(ARRAY(SELECT h.vps_id FROM h WHERE h.vps_id IS NOT NULL)))) ");
            spread.Add("(SELECT count(*) FROM h WHERE h.vps_id = ip.vps_instance_id)");
        }

        if (options.SpreadAcrossRegions)
        {
            unheld.Append("AND (v.region IS NULL OR NOT (v.region = ANY(ARRAY(SELECT h.region FROM h WHERE h.region IS NOT NULL)))) ");
            spread.Add("(SELECT count(*) FROM h WHERE h.region = v.region)");
        }

        // Each branch is a derived table (a locking clause may not sit in a UNION arm itself); the Append runs the
        // second branch only when the first returned no row.
        return (holdings,
            "SELECT * FROM (SELECT * FROM (" + select + unheld + "ORDER BY " + string.Join(", ", rank) + Lock + ") unheld "
            + "UNION ALL SELECT * FROM (" + select + "ORDER BY " + string.Join(", ", spread.Concat(rank)) + Lock + ") spread) pick LIMIT 1");
    }

    /// <summary>The reputation rank of <see cref="IpAllocationPolicy.ReputationRank"/>: good, fair, none, poor, critical.</summary>
    internal const string ReputationRankSql = "CASE ip.reputation_state WHEN 'good' THEN 0 WHEN 'fair' THEN 1 WHEN 'poor' THEN 3 WHEN 'critical' THEN 4 ELSE 2 END";

    private sealed class Store(NpgsqlInfraUnitOfWorkFactory factory, string schema, IpAllocationOptions options, TimeProvider time) : IIpAllocationStore, IIpRotationStore
    {
        private readonly string _loadIps = SchemaName.Render(LoadIpsSql, schema);
        private readonly string _loadHoldings = SchemaName.Render(LoadHoldingsSql, schema);
        private readonly string[] _take =
            [.. Enumerable.Range(0, 8).Select(f => SchemaName.Render(TakeSql(options, (RequestFilters)f), schema))];

        /// <summary>The engine over this store, for the rotation's allocations under a domain lock already held.</summary>
        public IpAllocationEngine? Engine { get; set; }
        private readonly string _due = SchemaName.Render(DueSql, schema);
        private readonly string _lockIps = SchemaName.Render(LockIpsSql, schema);
        private readonly string _inForce = SchemaName.Render(InForceSql, schema);
        private readonly string _expire = SchemaName.Render(ExpireSql, schema);

        public IInfraUnitOfWorkFactory UnitOfWork => factory;

        public Task LockDomainAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken) =>
            Executor(unitOfWork).ExecuteAsync(
                Statement.Write,
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
                    Statement.Read,
                    nameof(SmtpIpAddress),
                    "ip pool",
                    _loadIps,
                    0,
                    static (p, _) => p.Add(new NpgsqlParameter<string[]> { TypedValue = AssignableStatuses, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text }),
                    static (r, _, ct) => PgReads.AllAsync(r, ReadRow, ct),
                    cancellationToken)
                .ConfigureAwait(false);
            var holdings = await db.ExecuteAsync(
                    Statement.Read,
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

        public async Task<IpAllocation?> TakeAsync(
            IInfraUnitOfWork unitOfWork,
            IpAllocationRequest request,
            IpAllocationOptions options,
            DateTimeOffset? expires,
            CancellationToken cancellationToken)
        {
            var db = Executor(unitOfWork);
            var now = StoreClock.Now(time);
            // Validated as AddAsync validates a new assignment; the IP is the one the statement picks (any id passes the rules).
            var row = DomainIpAssignmentRules.PrepareInsert(
                new DomainIpAssignment { DomainId = request.DomainId, SmtpIpAddressId = SmtpIpAddressId.New(), Expires = expires },
                now);
            DomainIpAssignmentLifecycle.Definition.EnsureCanTransition(row.Id.ToString(), row.Status, DomainIpAssignmentStatus.Active);
            DomainIpAssignmentLifecycle.Definition.EnsureCanTransition(row.Id.ToString(), row.Status, DomainIpAssignmentStatus.Warming);
            var taken = await db.ExecuteAsync(
                    Statement.Write,
                    nameof(SmtpIpAddress),
                    "ip pool allocation",
                    _take[(int)FiltersOf(request)],
                    (request, row),
                    static (p, s) =>
                    {
                        // Every parameter is bound with its type, also those the statement's variant does not use.
                        p.Uuid(s.request.DomainId.Value);
                        p.Add(UuidArray(s.request.ExcludeIps?.Select(i => i.Value) ?? []));
                        p.Add(UuidArray(s.request.OnlyIps?.Select(i => i.Value) ?? []));
                        p.Add(UuidArray(s.request.ExcludeVpsInstances?.Select(v => v.Value) ?? []));
                        p.Uuid(s.row.Id.Value);
                        p.TimestampTz(s.row.Expires);
                        p.TimestampTz(s.row.Created);
                        p.Text(s.row.WarmupState.ToDatabaseValue());
                    },
                    static async (r, s, ct) =>
                    {
                        if (!await r.ReadAsync(ct).ConfigureAwait(false))
                        {
                            return ((SmtpIpAddressStatus, DomainIpAssignment?, SmtpIpAddress?)?)null;
                        }

                        var before = SmtpIpAddressStatusExtensions.Map.FromDb(r.TextOrNull(0), s.row.Id.ToString());
                        return r.IsDBNull(1)
                            ? (before, null, null)
                            : (before, NpgsqlDomainIpAssignmentRepository.Read(r, 1), NpgsqlSmtpIpAddressRepository.Read(r, 11));
                    },
                    cancellationToken)
                .ConfigureAwait(false);
            if (taken is not { } t)
            {
                return null;
            }

            if (t.Item2 is not { } assignment || t.Item3 is not { } ip)
            {
                // The picked row is locked by this transaction, so only its count (at the integer maximum) can have stopped the update.
                throw SmtpIpAddressRules.AssignedCountError(int.MaxValue, 1)!;
            }

            InfraTelemetry.StatusChanged(row.Status, assignment.Status);
            if (ip.Status != t.Item1)
            {
                InfraTelemetry.StatusChanged(t.Item1, ip.Status);
            }

            return new IpAllocation(assignment, ip, t.Item1);
        }

        public async Task<List<DomainIpAssignment>> LockDueAsync(IInfraUnitOfWork unitOfWork, DateTimeOffset before, int limit, CancellationToken cancellationToken)
        {
            var db = Executor(unitOfWork);
            var due = await db.ExecuteAsync(
                    Statement.Write,
                    nameof(DomainIpAssignment),
                    "due assignments",
                    _due,
                    (before, limit),
                    static (p, s) =>
                    {
                        p.TimestampTz(s.before);
                        p.Int(s.limit);
                    },
                    static (r, _, ct) => PgReads.AllAsync(r, NpgsqlDomainIpAssignmentRepository.Read, ct),
                    cancellationToken)
                .ConfigureAwait(false);
            var ips = due.Where(a => a.SmtpIpAddressId is not null).Select(a => a.SmtpIpAddressId!.Value.Value).Distinct().ToArray();
            if (ips.Length > 0)
            {
                await db.ExecuteAsync(
                        Statement.Write,
                        nameof(SmtpIpAddress),
                        "due assignments' IPs",
                        _lockIps,
                        ips,
                        static (p, ids) => p.Add(UuidArray(ids)),
                        PgReads.AffectedAsync,
                        cancellationToken)
                    .ConfigureAwait(false);
            }

            return due;
        }

        public async Task LockDomainsAsync(IInfraUnitOfWork unitOfWork, IReadOnlyCollection<DomainId> domains, CancellationToken cancellationToken)
        {
            if (domains.Count == 0)
            {
                return;
            }

            await Executor(unitOfWork).ExecuteAsync(
                    Statement.Write,
                    "IpPool",
                    "rotation domains",
                    LockDomainsSql,
                    domains.Select(DomainLockKey).ToArray(),
                    static (p, keys) =>
                    {
                        p.Int(DomainLockClass);
                        p.Add(new NpgsqlParameter<int[]> { TypedValue = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
                    },
                    PgReads.AffectedAsync,
                    cancellationToken)
                .ConfigureAwait(false);
        }

        public async Task<HashSet<DomainId>> DomainsInForceAsync(IInfraUnitOfWork unitOfWork, IReadOnlyCollection<DomainId> domains, DateTimeOffset now, CancellationToken cancellationToken)
        {
            if (domains.Count == 0)
            {
                return [];
            }

            var found = await Executor(unitOfWork).ExecuteAsync(
                    Statement.Read,
                    nameof(DomainIpAssignment),
                    "domains in force",
                    _inForce,
                    (ids: domains.Select(d => d.Value).ToArray(), now),
                    static (p, s) =>
                    {
                        p.Add(UuidArray(s.ids));
                        p.TimestampTz(s.now);
                    },
                    static (r, _, ct) => PgReads.AllAsync(r, static r => new DomainId(r.GetGuid(0)), ct),
                    cancellationToken)
                .ConfigureAwait(false);
            return [.. found];
        }

        public Task<IpAllocation> AllocateAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, CancellationToken cancellationToken) =>
            Engine!.AllocateInAsync(unitOfWork, request, cancellationToken, domainLocked: true);

        public async Task<Dictionary<DomainIpAssignmentId, IpRelease>> ExpireAndReleaseAsync(
            IInfraUnitOfWork unitOfWork,
            IReadOnlyList<DomainIpAssignment> due,
            DateTimeOffset now,
            CancellationToken cancellationToken)
        {
            if (due.Count == 0)
            {
                return [];
            }

            foreach (var assignment in due)
            {
                DomainIpAssignmentLifecycle.Definition.EnsureCanTransition(assignment.Id.ToString(), assignment.Status, DomainIpAssignmentStatus.Expired);
            }

            var rows = await Executor(unitOfWork).ExecuteAsync(
                    Statement.Write,
                    nameof(DomainIpAssignment),
                    "rotation batch",
                    _expire,
                    (due, now),
                    static (p, s) =>
                    {
                        p.Add(UuidArray(s.due.Select(a => a.Id.Value)));
                        p.TimestampTz(s.now);
                        p.Add(new NpgsqlParameter<string[]>
                        {
                            TypedValue = [.. s.due.Select(a => a.Status.ToDatabaseValue())],
                            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
                        });
                    },
                    static (r, _, ct) => PgReads.AllAsync(
                        r,
                        static r =>
                        {
                            var key = r.GetGuid(0).ToString("D");
                            SmtpIpAddressStatus? before = r.TextOrNull(1) is { } b ? SmtpIpAddressStatusExtensions.Map.FromDb(b, key) : null;
                            SmtpIpAddressStatus? after = r.TextOrNull(2) is { } a ? SmtpIpAddressStatusExtensions.Map.FromDb(a, key) : null;
                            return (Id: new DomainIpAssignmentId(r.GetGuid(0)), Release: new IpRelease(before, after));
                        },
                        ct),
                    cancellationToken)
                .ConfigureAwait(false);
            var released = new Dictionary<DomainIpAssignmentId, IpRelease>(rows.Count);
            var ipMoves = new HashSet<(SmtpIpAddressStatus, SmtpIpAddressStatus, Guid)>();
            var byId = due.ToDictionary(a => a.Id);
            foreach (var (id, release) in rows)
            {
                released[id] = release;
                InfraTelemetry.StatusChanged(byId[id].Status, DomainIpAssignmentStatus.Expired);
                if (release is { Before: { } from, After: { } to } && from != to && byId[id].SmtpIpAddressId is { } ip && ipMoves.Add((from, to, ip.Value)))
                {
                    InfraTelemetry.StatusChanged(from, to);
                }
            }

            return released;
        }

        private static NpgsqlParameter UuidArray(IEnumerable<Guid>? values) =>
            values is null
                ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid }
                : new NpgsqlParameter<Guid[]> { TypedValue = [.. values], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid };

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
