using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>
/// Checks that the database answers and that its schema is the version this package expects: unhealthy when the
/// database cannot be reached or the schema has drifted; degraded while migrations are pending. Always healthy on the
/// in-memory store. The description never contains the connection string.
/// </summary>
public sealed class PenguinMailsInfraHealthCheck(IServiceProvider services, IOptions<PenguinMailsInfraOptions> options) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.UsesPostgres)
        {
            return HealthCheckResult.Healthy("in-memory store");
        }

        try
        {
            var migrator = services.GetRequiredService<PostgresMigrator>();
            var status = await migrator.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>
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
}

/// <summary>Adds the package's health check to ASP.NET Core / generic-host health checks.</summary>
public static class PenguinMailsInfraHealthChecksBuilderExtensions
{
    /// <summary>Adds <see cref="PenguinMailsInfraHealthCheck"/> (database reachable, schema version as expected).</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags for filtering, for example <c>ready</c>.</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddPenguinMailsInfra(this IHealthChecksBuilder builder, string name = "penguinmails-infra", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<PenguinMailsInfraHealthCheck>(name, HealthStatus.Unhealthy, tags ?? []);
    }
}
