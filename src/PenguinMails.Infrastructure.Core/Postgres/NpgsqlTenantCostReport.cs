using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>
/// The PostgreSQL implementation of <see cref="ITenantCostReport"/>: one parameterized query doing the arithmetic of
/// <see cref="TenantCostCalculator"/> in <c>numeric</c> (each share computed with at least 20 decimal places, then
/// <c>round(…, 4)</c>, half away from zero), so its results equal the in-memory store's to the last decimal.
/// </summary>
public sealed class NpgsqlTenantCostReport : ITenantCostReport
{
    private const string Entity = "TenantCostReport";

    // $1 = at, $2 = 'expired'. Shares are rounded per (tenant, IP) and per (tenant, VPS), then summed per tenant.
    // One pass joins each live assignment to its IP (carrying the IP's cost) and its domain; the per-IP and per-VPS
    // totals are window sums over the grouped rows, so no step joins two aggregates. That keeps the plan free of a
    // quadratic nested loop also when the statement is prepared and runs on a generic plan (whose row estimates for
    // aggregates are guesses): on 50,000 IPs / 25,000 live assignments the earlier form took 27.5 s on a generic plan,
    // this one 0.4 s (the plan is in docs/ip-pools.md).
    private const string Sql = """
        WITH counted AS MATERIALIZED (
            SELECT a.smtp_ip_address_id AS ip_id, i.vps_instance_id AS vps_id, d.tenant_id, i.approximate_cost AS ip_cost
            FROM $(schema).domain_ip_assignments a
            JOIN $(schema).smtp_ip_addresses i ON i.id = a.smtp_ip_address_id
            LEFT JOIN $(schema).domains d ON d.id = a.domain_id
            WHERE a.status IS DISTINCT FROM $2 AND (a.expires IS NULL OR a.expires > $1)
        ),
        per_ip AS (
            SELECT tenant_id, count(*) AS k, ip_cost, sum(count(*)) OVER (PARTITION BY ip_id) AS n
            FROM counted GROUP BY tenant_id, ip_id, ip_cost
        ),
        per_vps AS (
            SELECT tenant_id, vps_id, count(*) AS k, sum(count(*)) OVER (PARTITION BY vps_id) AS n
            FROM counted WHERE vps_id IS NOT NULL GROUP BY tenant_id, vps_id
        )
        SELECT tenant_id, sum(k)::integer, sum(ip_cost), sum(vps_cost)
        FROM (
            SELECT tenant_id, k, round(COALESCE(ip_cost, 0)::numeric(30, 20) * k / n, 4) AS ip_cost, 0.0000::numeric AS vps_cost FROM per_ip
            UNION ALL
            SELECT p.tenant_id, 0, 0.0000::numeric, round(COALESCE(v.approximate_cost, v.monthly_cost, 0)::numeric(30, 20) * p.k / p.n, 4)
            FROM per_vps p JOIN $(schema).vps_instances v ON v.id = p.vps_id
        ) shares
        GROUP BY tenant_id
        ORDER BY tenant_id NULLS LAST
        """;



    private readonly PgExecutor _db;
    private readonly TimeProvider _time;
    private readonly string _sql;

    /// <summary>Initializes the report over <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The application's singleton data source.</param>
    /// <param name="schema">The schema the tables (and the host <c>domains</c> table) live in; <c>public</c> by default.</param>
    /// <param name="timeProvider">The clock for "now"; the system clock by default.</param>
    public NpgsqlTenantCostReport(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
        : this(new PgExecutor(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), SchemaName.Validate(schema)), timeProvider ?? TimeProvider.System) { }

    internal NpgsqlTenantCostReport(PgExecutor db, TimeProvider timeProvider)
    {
        _db = db;
        _time = timeProvider;
        _sql = SchemaName.Render(Sql, _db.Schema);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TenantMonthlyCost>> GetMonthlyCostsAsync(DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        var instant = StoreClock.Truncate(at ?? _time.GetUtcNow());
        return _db.ExecuteAsync(
            Statement.Read,
            Entity,
            "monthly costs",
            _sql,
            instant,
            static (p, at) =>
            {
                p.TimestampTz(at);
                p.Text(DomainIpAssignmentStatus.Expired.ToDatabaseValue());
            },
            static async (r, _, ct) =>
                (IReadOnlyList<TenantMonthlyCost>)await PgReads.AllAsync(r, Map, ct).ConfigureAwait(false),
            cancellationToken);
    }

    private static TenantMonthlyCost Map(NpgsqlDataReader r) =>
        new(r.UuidOrNull(0) is { } tenant ? new TenantId(tenant) : null, r.GetInt32(1), r.GetDecimal(2), r.GetDecimal(3));
}
