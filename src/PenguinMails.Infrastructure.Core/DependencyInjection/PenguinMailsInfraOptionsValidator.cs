using Microsoft.Extensions.Options;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>Reports every invalid option at once (never the connection string itself: it may hold a password).</summary>
internal sealed class PenguinMailsInfraOptionsValidator : IValidateOptions<PenguinMailsInfraOptions>
{
    public ValidateOptionsResult Validate(string? name, PenguinMailsInfraOptions options)
    {
        var failures = new List<string>();
        if (!SchemaName.IsValid(options.Schema))
        {
            failures.Add("Schema must match ^[a-z_][a-z0-9_]{0,62}$, must not start with pg_ and must not be a reserved SQL keyword.");
        }

        if (!Enum.IsDefined(options.StartupMigration))
        {
            failures.Add("StartupMigration must be Migrate, VerifyOnly, VerifyCatalog or Off.");
        }

        if (options.MigrationLockTimeout <= TimeSpan.Zero)
        {
            failures.Add("MigrationLockTimeout must be positive.");
        }

        failures.AddRange(options.Replicas.Validate());

        if (options.UsesPostgres)
        {
            var hasConnection = !string.IsNullOrWhiteSpace(options.ConnectionString);
            if (hasConnection && options.UseRegisteredDataSource)
            {
                failures.Add("Set either ConnectionString or UseRegisteredDataSource, not both.");
            }
            else if (!hasConnection && !options.UseRegisteredDataSource)
            {
                failures.Add("Set ConnectionString, or UseRegisteredDataSource to use an NpgsqlDataSource registered by the application (or use the in-memory store of the Testing package).");
            }

            if (hasConnection)
            {
                try
                {
                    var csb = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                    if (csb.TargetSessionAttributes is { } target
                        && !string.Equals(target, "any", StringComparison.Ordinal)
                        && csb.Host?.Contains(',', StringComparison.Ordinal) != true)
                    {
                        failures.Add("ConnectionString sets Target Session Attributes with a single host; list the hosts of the primary and its standbys (the package sends writes to the primary itself).");
                    }
                }
                catch (ArgumentException)
                {
                    failures.Add("ConnectionString is not a valid Npgsql connection string.");
                }
            }

            if (options.DataSourceServiceKey is not null && !options.UseRegisteredDataSource)
            {
                failures.Add("DataSourceServiceKey needs UseRegisteredDataSource.");
            }
        }
        else if (options.StartupMigration == MigrationMode.Migrate && !string.IsNullOrEmpty(options.ConnectionString))
        {
            failures.Add("The in-memory store has no schema to migrate; remove ConnectionString or the in-memory store.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
