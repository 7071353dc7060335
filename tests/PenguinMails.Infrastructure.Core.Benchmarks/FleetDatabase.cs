using System.Collections.Concurrent;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// The fleets of the FleetScale benchmarks, one database per size, seeded by set-based SQL in a few seconds (so seeding
/// never dominates a run): <c>ips / 20</c> active VPS instances in four regions, 20 consecutive IPs on each; <c>ips</c> IPs, 90 % in an assignable
/// status (warmed, available, warming; assigned once held), 10 % degraded, burned or quarantined, reputations mixed with
/// some unchecked; one live assignment per two IPs (<c>ips / 4</c> domains holding two each); 500 rotation domains each
/// holding two assignments that are already due (the base domains belong to 200 tenants) (1,000 due, 500 of them their domain's last in force once the first is
/// replaced); 20,000 fresh domains holding nothing.
/// </summary>
internal static class FleetDatabase
{
    public const int RotationDomains = 500;
    public const int FreshDomains = 20_000;

    private static readonly ConcurrentDictionary<int, Lazy<Task<string>>> Databases = new();

    private const string SeedSql = """
        INSERT INTO vps_instances (id, hostwinds_instance_id, ip_address, region, status, monthly_cost, approximate_cost, hostwinds_billing_day)
        SELECT md5('vps' || v)::uuid, 'hw-fleet-' || v, '198.18.' || (v / 250) || '.' || (v % 250),
               (ARRAY['us-east', 'us-west', 'eu-central', 'ap-south'])[1 + v % 4], 'active', 40, 10, 1 + v % 28
        FROM generate_series(0, $1 / 20 - 1) v;

        INSERT INTO smtp_ip_addresses (id, vps_instance_id, ip_address, status, reputation_state, approximate_cost, assigned_count)
        SELECT md5('ip' || i)::uuid, md5('vps' || (i / 20))::uuid, '10.' || (i / 65536) || '.' || (i / 256 % 256) || '.' || (i % 256),
               CASE WHEN i % 10 = 9 THEN (ARRAY['degraded', 'burned', 'quarantined'])[1 + i / 10 % 3]
                    ELSE (ARRAY['warmed', 'available', 'warming', 'warmed'])[1 + i % 4] END,
               CASE WHEN i % 7 = 0 THEN NULL ELSE (ARRAY['good', 'fair', 'poor', 'critical', 'good'])[1 + i % 5] END,
               2.50, 0
        FROM generate_series(0, $1 - 1) i;

        INSERT INTO domains (id, tenant_id) SELECT md5('dom' || d)::uuid, md5('tenant' || (d % 200))::uuid FROM generate_series(0, $1 / 4 - 1) d;
        INSERT INTO domains (id) SELECT md5('rot' || k)::uuid FROM generate_series(0, 499) k;
        INSERT INTO domains (id) SELECT md5('fresh' || k)::uuid FROM generate_series(0, 19999) k;

        -- One live assignment per two IPs: the even IPs (all assignable), two per domain.
        INSERT INTO domain_ip_assignments (domain_id, smtp_ip_address_id, status, warmup_state, expires)
        SELECT md5('dom' || (j % ($1 / 4)))::uuid, md5('ip' || (2 * j))::uuid, 'active', 'warmed', now() + interval '30 days'
        FROM generate_series(0, $1 / 2 - 1) j;

        UPDATE smtp_ip_addresses ip SET assigned_count = c.n,
               status = CASE WHEN ip.status IN ('available', 'warmed') THEN 'assigned' ELSE ip.status END
        FROM (SELECT smtp_ip_address_id AS id, count(*) AS n FROM domain_ip_assignments GROUP BY 1) c
        WHERE ip.id = c.id;
        """;

    // The rotation's 1,000 due assignments on odd IPs, put back before every measured rotation (the previous one
    // expired them and added 500 replacements): the rotation domains' rows are deleted, the counts of their IPs given
    // back, the due rows inserted again and counted. Also the end of the seed.
    private const string ResetRotationSql = """
        WITH gone AS (
            DELETE FROM domain_ip_assignments a
            WHERE a.domain_id IN (SELECT md5('rot' || k)::uuid FROM generate_series(0, 499) k)
            RETURNING a.smtp_ip_address_id, a.status)
        UPDATE smtp_ip_addresses ip SET assigned_count = ip.assigned_count - g.n
        FROM (SELECT smtp_ip_address_id AS id, count(*) AS n FROM gone WHERE status <> 'expired' GROUP BY 1) g
        WHERE ip.id = g.id;

        INSERT INTO domain_ip_assignments (domain_id, smtp_ip_address_id, status, warmup_state, assigned, expires)
        SELECT md5('rot' || k)::uuid, md5('ip' || (2 * ((2 * k + s) % ($1 / 2)) + 1))::uuid, 'active', 'warmed',
               now() - interval '2 hours', now() - interval '1 hour' + s * interval '1 minute'
        FROM generate_series(0, 499) k CROSS JOIN generate_series(0, 1) s;

        UPDATE smtp_ip_addresses ip SET assigned_count = c.n,
               status = CASE WHEN c.n > 0 AND ip.status IN ('available', 'warmed') THEN 'assigned' ELSE ip.status END
        FROM (SELECT i.id, count(a.id) AS n FROM smtp_ip_addresses i
              LEFT JOIN domain_ip_assignments a ON a.smtp_ip_address_id = i.id AND a.status <> 'expired'
              WHERE i.id IN (SELECT smtp_ip_address_id FROM domain_ip_assignments
                             WHERE domain_id IN (SELECT md5('rot' || k)::uuid FROM generate_series(0, 499) k))
                 OR i.assigned_count > 0
              GROUP BY i.id) c
        WHERE ip.id = c.id AND (ip.assigned_count IS DISTINCT FROM c.n OR (c.n > 0 AND ip.status IN ('available', 'warmed')));
        """;

    /// <summary>The connection string of the fleet of <paramref name="ips"/> IPs, created and seeded on first use.</summary>
    public static Task<string> EnsureAsync(int ips) => Databases.GetOrAdd(ips, n => new Lazy<Task<string>>(() => CreateAsync(n))).Value;

    /// <summary>A data source on a fleet with the package's own settings (auto-prepare, no reset on close).</summary>
    public static NpgsqlDataSource Open(string connectionString, int maxPoolSize = 100) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxAutoPrepare = 32,
            NoResetOnClose = true,
            MaxPoolSize = maxPoolSize,
            ApplicationName = "penguinmails-fleet-bench",
        }.ConnectionString);

    /// <summary>Puts the rotation's 1,000 due assignments back, then vacuums and analyzes the two tables.</summary>
    public static async Task ResetRotationAsync(NpgsqlDataSource dataSource, int ips)
    {
        await ExecuteAsync(dataSource, ResetRotationSql, ips);
        await ExecuteAsync(dataSource, "VACUUM ANALYZE domain_ip_assignments, smtp_ip_addresses", null);
    }

    /// <summary>The domain of the fleet's <paramref name="index"/>-th base domain (holding two IPs).</summary>
    public static Guid BaseDomain(int index) => Md5Uuid("dom" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The <paramref name="index"/>-th fresh domain (holding nothing when seeded).</summary>
    public static Guid FreshDomain(int index) => Md5Uuid("fresh" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static Guid Md5Uuid(string text)
    {
#pragma warning disable CA5351 // The seed's ids are md5(text)::uuid in SQL; this is the same function, not security.
        var hash = System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5351
        return new Guid(hash, bigEndian: true);
    }

    private static async Task<string> CreateAsync(int ips)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var cs = await PostgresServer.CreateDatabaseAsync("fleet" + ips.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using (var ds = NpgsqlDataSource.Create(cs))
        {
            await new PostgresMigrator(ds, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
            await ExecuteAsync(ds, SeedSql, ips);
            await ExecuteAsync(ds, ResetRotationSql, ips);
            await ExecuteAsync(ds, "VACUUM ANALYZE", null);
        }

        Console.WriteLine($"// fleet of {ips:N0} IPs seeded in {started.Elapsed.TotalSeconds:F1} s");
        return cs;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, int? ips)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        // The seed scripts are several statements sharing one parameter: a batch, one command per statement.
        await using var batch = new NpgsqlBatch(connection);
        foreach (var statement in sql.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (statement.Length == 0)
            {
                continue;
            }

            var command = new NpgsqlBatchCommand(statement.TrimEnd(';'));
            if (ips is { } n && statement.Contains("$1", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = n });
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync();
    }
}
