using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Replicas;
using PenguinMails.Infrastructure.Core.Staff;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>The options of <see cref="PenguinMailsInfraServiceCollectionExtensions.AddPenguinMailsInfra(IServiceCollection, Action{PenguinMailsInfraOptions})"/>.</summary>
/// <remarks>Bind them from configuration (section <c>PenguinMailsInfra</c> by convention) or set them in code.</remarks>
public sealed class PenguinMailsInfraOptions
{
    /// <summary>The conventional configuration section name.</summary>
    public const string SectionName = "PenguinMailsInfra";

    /// <summary>
    /// The Npgsql connection string of the database. The package then builds its own data source, with automatic
    /// statement preparation (<c>Max Auto Prepare=32</c>) and no reset on close unless the string sets them. Leave it
    /// empty to use an <c>NpgsqlDataSource</c> the application registers (see <see cref="UseRegisteredDataSource"/>).
    /// Several hosts (<c>Host=primary,standby</c>) make a multi-host data source: writes, units of work, migrations,
    /// locks and the LISTEN connections go to the primary whatever <c>Target Session Attributes</c> says.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Use the <c>NpgsqlDataSource</c> registered in the container instead of building one: the <c>NpgsqlDataSource</c>
    /// service, else the <c>NpgsqlMultiHostDataSource</c> one (what <c>AddMultiHostNpgsqlDataSource</c> registers). A
    /// multi-host data source is used through its primary for everything but the reads declared safe to be stale; a data
    /// source made by <c>WithTargetSession</c> is rejected at start, since its writes could land on a standby.
    /// </summary>
    public bool UseRegisteredDataSource { get; set; }

    /// <summary>With <see cref="UseRegisteredDataSource"/>: the service key of a keyed <c>NpgsqlDataSource</c>, or null for the unkeyed one.</summary>
    public string? DataSourceServiceKey { get; set; }

    /// <summary>The schema of the package's tables (<c>^[a-z_][a-z0-9_]{0,62}$</c>, not a reserved word). Default <c>public</c>.</summary>
    public string Schema { get; set; } = SchemaName.Default;

    /// <summary>
    /// What a hosted service does with the schema when the application starts: <see cref="MigrationMode.Migrate"/>,
    /// <see cref="MigrationMode.VerifyOnly"/> (the default: fail the start listing pending versions or drift),
    /// <see cref="MigrationMode.VerifyCatalog"/> (also compare the live catalog with what the applied versions produce) or
    /// <see cref="MigrationMode.Off"/>.
    /// </summary>
    public MigrationMode StartupMigration { get; set; } = MigrationMode.VerifyOnly;

    /// <summary>Create minimal stand-ins for the host tables users, tenants and domains when migrating (development, samples, tests only).</summary>
    public bool CreateHostTables { get; set; }

    /// <summary>How long a migrator waits for another instance's migration lock. Default one minute.</summary>
    public TimeSpan MigrationLockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How the feature-flag snapshot is kept current (refresh interval, LISTEN, reconnect delay, unknown-key logging);
    /// section <c>PenguinMailsInfra:FeatureFlags</c>. These values are the starting point of the <see cref="FeatureFlagOptions"/>
    /// the package uses: a <c>services.Configure&lt;FeatureFlagOptions&gt;(...)</c> of the application is applied after
    /// them, whatever the order of the calls, so it wins where both set a value.
    /// </summary>
    public FeatureFlagOptions FeatureFlags { get; } = new();

    /// <summary>
    /// The permission cache: its time-to-live (the bound on how late a revocation made elsewhere takes effect), LISTEN and
    /// the reconnect delay; section <c>PenguinMailsInfra:PermissionCache</c>. These values are the starting point of the
    /// <see cref="PermissionCacheOptions"/> the package uses: a <c>services.Configure&lt;PermissionCacheOptions&gt;(...)</c>
    /// of the application is applied after them, whatever the order of the calls, so it wins where both set a value.
    /// </summary>
    public PermissionCacheOptions PermissionCache { get; } = new();

    /// <summary>
    /// Reading from streaming standbys (multi-host data sources only); section <c>PenguinMailsInfra:Replicas</c>. See
    /// <see cref="ReplicaOptions"/> and <see cref="ReadRoute"/>.
    /// </summary>
    public ReplicaOptions Replicas { get; } = new();

    /// <summary>
    /// Add <see cref="PenguinMailsInfraHealthCheck"/> to the host's health checks (<c>HealthCheckService</c>) under the name
    /// <see cref="PenguinMailsInfraHealthChecksBuilderExtensions.DefaultName"/>. Default true. It is added once, however
    /// often <c>AddPenguinMailsInfra</c> is called, and not at all when the application adds the check itself with
    /// <c>services.AddHealthChecks().AddPenguinMailsInfra(name, tags)</c> (use that for another name or tags). Set false
    /// to add no health check.
    /// </summary>
    public bool RegisterHealthCheck { get; set; } = true;

    /// <summary>Replaces the PostgreSQL repositories (set by <c>UseInMemoryStore()</c> of the Testing package).</summary>
    internal Action<IServiceCollection>? StoreOverride { get; set; }

    /// <summary>Whether a store other than PostgreSQL was chosen.</summary>
    internal bool UsesPostgres => StoreOverride is null;
}
