using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Reliability;
using PenguinMails.Infrastructure.Core.Replicas;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>The options of <see cref="PenguinMailsInfraServiceCollectionExtensions.AddPenguinMailsInfra(IServiceCollection, Action{PenguinMailsInfraOptions})"/>.</summary>
/// <remarks>
/// One tree for the whole package: bind it from configuration (section <c>PenguinMailsInfra</c> by convention, whose
/// sub-sections bind the nested options) or set it in code. It is validated once, when the host starts; one
/// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> lists every failure, each naming its configuration
/// path (<c>PenguinMailsInfra:IpAllocation:MaxAssignmentsPerIp must be between 1 and 100000.</c>).
/// </remarks>
public sealed class PenguinMailsInfraOptions
{
    /// <summary>The conventional configuration section name.</summary>
    public const string SectionName = "PenguinMailsInfra";

    /// <summary>
    /// The Npgsql connection string of the database, used when the registration chooses no data source
    /// (<see cref="PenguinMailsInfraBuilder.UseNpgsql(string, Action{Npgsql.NpgsqlDataSourceBuilder})"/> replaces it). The
    /// package then builds its own data source, with the container's logger factory, automatic statement preparation
    /// (<c>Max Auto Prepare=32</c>) and no reset on close unless the string sets them. Several hosts
    /// (<c>Host=primary,standby</c>) make a multi-host data source: writes, units of work, migrations, locks and the LISTEN
    /// connections go to the primary whatever <c>Target Session Attributes</c> says.
    /// </summary>
    public string? ConnectionString { get; set; }

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
    /// How the feature-flag snapshot is kept current (refresh interval, LISTEN, unknown-key logging);
    /// section <c>PenguinMailsInfra:FeatureFlags</c>.
    /// </summary>
    public FeatureFlagOptions FeatureFlags { get; } = new();

    /// <summary>
    /// The permission cache: its time-to-live (the bound on how late a revocation made elsewhere takes effect) and LISTEN;
    /// section <c>PenguinMailsInfra:PermissionCache</c>.
    /// </summary>
    public PermissionCacheOptions PermissionCache { get; } = new();

    /// <summary>
    /// The one LISTEN connection shared by the feature flags and the permission cache (its reconnect delay); section
    /// <c>PenguinMailsInfra:ChangeNotifications</c>. See <see cref="ChangeNotificationOptions"/>.
    /// </summary>
    public ChangeNotificationOptions ChangeNotifications { get; } = new();

    /// <summary>
    /// Reading from streaming standbys (multi-host data sources only); section <c>PenguinMailsInfra:Replicas</c>. See
    /// <see cref="ReplicaOptions"/> and <see cref="ReadRoute"/>.
    /// </summary>
    public ReplicaOptions Replicas { get; } = new();

    /// <summary>The IP allocation policy; section <c>PenguinMailsInfra:IpAllocation</c>. See <see cref="IpAllocationOptions"/>.</summary>
    public IpAllocationOptions IpAllocation { get; } = new();

    /// <summary>The rotation of due assignments; section <c>PenguinMailsInfra:IpRotation</c>. See <see cref="IpRotationOptions"/>.</summary>
    public IpRotationOptions IpRotation { get; } = new();

    /// <summary>The warmup plans; section <c>PenguinMailsInfra:Warmup</c>. See <see cref="WarmupOptions"/>.</summary>
    public WarmupOptions Warmup { get; } = new();

    /// <summary>The reputation policy; section <c>PenguinMailsInfra:ReputationPolicy</c>. See <see cref="ReputationPolicyOptions"/>.</summary>
    public ReputationPolicyOptions ReputationPolicy { get; } = new();

    /// <summary>
    /// The retry of transient failures (off by default); section <c>PenguinMailsInfra:TransientRetry</c>, or
    /// <see cref="PenguinMailsInfraBuilder.AddTransientRetry"/>. See <see cref="TransientRetryOptions"/>.
    /// </summary>
    public TransientRetryOptions TransientRetry { get; } = new();
}
