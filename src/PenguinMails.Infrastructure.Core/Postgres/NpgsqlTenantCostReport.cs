using Npgsql;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.Internal;
using PenguinMails.Infrastructure.Core.IpPools;

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
    // Linear in the live assignments: one pass joins each to its IP (carrying the IP's cost) and its domain; every
    // later step is a hash aggregate or a hash join over those rows or their groups (the plan is in docs/ip-pools.md).
    private const string Sql = """
        WITH counted AS (
            SELECT a.smtp_ip_address_id AS ip_id, i.vps_instance_id AS vps_id, d.tenant_id, i.approximate_cost AS ip_cost
            FROM $(schema).domain_ip_assignments a
            JOIN $(schema).smtp_ip_addresses i ON i.id = a.smtp_ip_address_id
            LEFT JOIN $(schema).domains d ON d.id = a.domain_id
            WHERE a.status IS DISTINCT FROM $2 AND (a.expires IS NULL OR a.expires > $1)
        ),
        ip_n AS (SELECT ip_id, count(*) AS n FROM counted GROUP BY ip_id),
        vps_n AS (SELECT vps_id, count(*) AS n FROM counted WHERE vps_id IS NOT NULL GROUP BY vps_id),
        ip_share AS (
            SELECT g.tenant_id, g.k, round(COALESCE(g.ip_cost, 0)::numeric(30, 20) * g.k / n.n, 4) AS cost
            FROM (SELECT tenant_id, ip_id, ip_cost, count(*) AS k FROM counted GROUP BY tenant_id, ip_id, ip_cost) g
            JOIN ip_n n ON n.ip_id = g.ip_id
        ),
        vps_share AS (
            SELECT g.tenant_id, round(COALESCE(v.approximate_cost, v.monthly_cost, 0)::numeric(30, 20) * g.k / n.n, 4) AS cost
            FROM (SELECT tenant_id, vps_id, count(*) AS k FROM counted WHERE vps_id IS NOT NULL GROUP BY tenant_id, vps_id) g
            JOIN vps_n n ON n.vps_id = g.vps_id
            JOIN $(schema).vps_instances v ON v.id = g.vps_id
        )
        SELECT tenant_id, sum(k)::integer, sum(ip_cost), sum(vps_cost)
        FROM (
            SELECT tenant_id, k, cost AS ip_cost, 0.0000::numeric AS vps_cost FROM ip_share
            UNION ALL
            SELECT tenant_id, 0, 0.0000::numeric, cost FROM vps_share
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
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _db = new PgExecutor(dataSource, SchemaName.Validate(schema));
        _time = timeProvider ?? TimeProvider.System;
        _sql = SchemaName.Render(Sql, _db.Schema);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TenantMonthlyCost>> GetMonthlyCostsAsync(DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        var instant = StoreClock.Truncate(at ?? _time.GetUtcNow());
        return _db.ExecuteAsync(
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
