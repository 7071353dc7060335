using Microsoft.Extensions.Options;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Core.DependencyInjection.Internal;

/// <summary>
/// Reports every invalid option of the whole tree at once, each message starting with its configuration path
/// (<c>PenguinMailsInfra:Section:Option</c>); never the connection string itself: it may hold a password.
/// </summary>
internal sealed class PenguinMailsInfraOptionsValidator(InfraRegistration registration) : IValidateOptions<PenguinMailsInfraOptions>
{
    private const string Path = PenguinMailsInfraOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, PenguinMailsInfraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void AddAll(IEnumerable<string> nested)
        {
            foreach (var failure in nested)
            {
                failures.Add(Path + failure);
            }
        }

        if (!SchemaName.IsValid(options.Schema))
        {
            failures.Add(Path + "Schema must match ^[a-z_][a-z0-9_]{0,62}$, must not start with pg_ and must not be a reserved SQL keyword.");
        }

        if (!Enum.IsDefined(options.StartupMigration))
        {
            failures.Add(Path + "StartupMigration must be Migrate, VerifyOnly, VerifyCatalog or Off.");
        }

        if (options.MigrationLockTimeout <= TimeSpan.Zero)
        {
            failures.Add(Path + "MigrationLockTimeout must be positive.");
        }

        AddAll(options.Replicas.Validate());
        AddAll(FeatureFlagOptionsValidator.Failures(options.FeatureFlags));
        AddAll(options.PermissionCache.Validate());
        AddAll(options.ChangeNotifications.Validate());
        AddAll(options.IpAllocation.Validate());
        AddAll(options.IpRotation.Validate());
        AddAll(WarmupOptionsValidator.Failures(options.Warmup));
        AddAll(options.ReputationPolicy.Validate());
        AddAll(options.TransientRetry.Validate());

        if (registration.UsesPostgres)
        {
            var connectionString = registration.DataSource is { } plan ? plan.ConnectionString : options.ConnectionString;
            var hasConnection = !string.IsNullOrWhiteSpace(connectionString);
            if (registration.DataSource is null && !hasConnection)
            {
                failures.Add(Path + "ConnectionString is required: set it, or choose the data source with UseNpgsql(...) on the builder AddPenguinMailsInfra returns (or the in-memory store of the Testing package with UseInMemoryStore()).");
            }

            if (hasConnection)
            {
                try
                {
                    var csb = new NpgsqlConnectionStringBuilder(connectionString);
                    if (csb.TargetSessionAttributes is { } target
                        && !string.Equals(target, "any", StringComparison.Ordinal)
                        && csb.Host?.Contains(',', StringComparison.Ordinal) != true)
                    {
                        failures.Add(Path + "ConnectionString sets Target Session Attributes with a single host; list the hosts of the primary and its standbys (the package sends writes to the primary itself).");
                    }
                }
                catch (ArgumentException)
                {
                    failures.Add(Path + "ConnectionString is not a valid Npgsql connection string.");
                }
            }

        }
        else if (options.StartupMigration == MigrationMode.Migrate && !string.IsNullOrEmpty(options.ConnectionString))
        {
            failures.Add(Path + "StartupMigration: the in-memory store has no schema to migrate; remove ConnectionString or the in-memory store.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
