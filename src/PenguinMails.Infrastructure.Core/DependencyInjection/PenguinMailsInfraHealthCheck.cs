using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using PenguinMails.Infrastructure.Core.DependencyInjection.Internal;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>
/// Checks that the database answers and that its schema is the version this package expects: unhealthy when the
/// database cannot be reached, when the write route reached a server in recovery (a standby: every write would fail), or
/// the schema has drifted; degraded while migrations are pending. Always healthy on the in-memory store. The data reports
/// the streaming standbys the primary sees and their replay lag (<c>standbys</c>, <c>replica_lag_bytes</c>,
/// <c>replica_replay_lag_ms</c>; from <c>pg_stat_replication</c>, whose positions need a superuser or
/// <c>pg_monitor</c>). The description never contains the connection string.
/// </summary>
public sealed class PenguinMailsInfraHealthCheck(IServiceProvider services) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<InfraRegistration>() is not { UsesPostgres: true })
        {
            return HealthCheckResult.Healthy("in-memory store");
        }

        try
        {
            var replication = new Dictionary<string, object>();
            if (services.GetService<InfraDataSource>() is { } infra && !await ReadReplicationAsync(infra.DataSource, replication, cancellationToken).ConfigureAwait(false))
            {
                return HealthCheckResult.Unhealthy("the write route reached a server in recovery (a standby): writes would fail", data: replication);
            }

            var migrator = services.GetRequiredService<PostgresMigrator>();
            var status = await migrator.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>(replication)
            {
                ["schema"] = migrator.Schema,
                ["current_version"] = status.CurrentVersion,
                ["latest_version"] = SchemaMigrations.LatestVersion,
            };
            if (status.Drift.Count > 0)
            {
                return HealthCheckResult.Unhealthy(
                    $"schema drift in version(s) {string.Join(", ", status.Drift.Select(d => d.Version))}",
                    data: data
                );
            }

            return status.Pending.Count > 0
                ? HealthCheckResult.Degraded($"{status.Pending.Count} migration(s) pending", data: data)
                : HealthCheckResult.Healthy($"schema at version {status.CurrentVersion}", data);
        }
        catch (Exception ex) when (ex is NpgsqlException or PenguinMailsException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("the database is unreachable or failed: " + ex.GetType().Name, ex);
        }
    }

    /// <summary>
    /// On the write route: false when the server is in recovery; else adds the standbys it streams to and their lag.
    /// </summary>
    private static async Task<bool> ReadReplicationAsync(NpgsqlDataSource writeRoute, Dictionary<string, object> data, CancellationToken cancellationToken)
    {
        var connection = await writeRoute.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var recovery = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
            await using (recovery.ConfigureAwait(false))
            {
                var inRecovery = (bool)(await recovery.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                data["write_route_in_recovery"] = inRecovery;
                if (inRecovery)
                {
                    return false;
                }
            }

            var lag = new NpgsqlCommand(
                "SELECT count(*), max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn))::bigint, "
                    + "(max(extract(epoch FROM replay_lag)) * 1000)::bigint FROM pg_stat_replication",
                connection);
            await using (lag.ConfigureAwait(false))
            {
                var reader = await lag.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    data["standbys"] = reader.GetInt64(0);
                    if (!reader.IsDBNull(1))
                    {
                        data["replica_lag_bytes"] = reader.GetInt64(1);
                    }

                    if (!reader.IsDBNull(2))
                    {
                        data["replica_replay_lag_ms"] = reader.GetInt64(2);
                    }
                }
            }
        }

        return true;
    }
}
