using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using PenguinMails.Infrastructure.Core.DependencyInjection.Internal;
using PenguinMails.Infrastructure.Core.Reliability;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>
/// What <c>services.AddPenguinMailsInfra(...)</c> returns: chooses the store and the data source, and adds the optional
/// parts (transient retry, the health check). Every method returns the same builder, so the calls chain:
/// <code>
/// services.AddPenguinMailsInfra(o => o.StartupMigration = MigrationMode.Migrate)
///     .UseNpgsql(connectionString, dataSource => dataSource.EnableParameterLogging())
///     .AddTransientRetry()
///     .AddHealthCheck(tags: ["ready"]);
/// </code>
/// Without a <c>UseNpgsql</c> call the package uses PostgreSQL with <see cref="PenguinMailsInfraOptions.ConnectionString"/>
/// (for example bound from configuration). The Testing package's <c>UseInMemoryStore()</c> chooses the in-memory store.
/// </summary>
public sealed class PenguinMailsInfraBuilder
{
    private readonly InfraRegistration _registration;

    internal PenguinMailsInfraBuilder(IServiceCollection services, InfraRegistration registration)
    {
        Services = services;
        _registration = registration;
    }

    /// <summary>The service collection the package is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Uses PostgreSQL through a data source the package builds from <paramref name="connectionString"/> (and owns and
    /// disposes), with the container's <c>ILoggerFactory</c>, automatic statement preparation (<c>Max Auto Prepare=32</c>)
    /// and no reset on close unless the string sets them. Several hosts (<c>Host=primary,standby</c>) make a multi-host
    /// data source: writes, units of work, migrations, locks and the LISTEN connection go to the primary.
    /// </summary>
    /// <param name="connectionString">The Npgsql connection string. It replaces <see cref="PenguinMailsInfraOptions.ConnectionString"/>.</param>
    /// <param name="configureDataSource">Further settings of the data source (type mappings, logging of parameters, a password provider, ...), or null.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="InvalidOperationException">Another store or data source was already chosen.</exception>
    public PenguinMailsInfraBuilder UseNpgsql(string connectionString, Action<NpgsqlDataSourceBuilder>? configureDataSource = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _registration.ChooseDataSource(DataSourcePlan.Build(connectionString, configureDataSource));
        return this;
    }

    /// <summary>
    /// Uses PostgreSQL through <paramref name="dataSource"/>, which the application owns (the package never disposes it).
    /// A multi-host data source is used through its primary for everything but the reads declared safe to be stale; a
    /// data source made by <c>WithTargetSession</c> is rejected when resolved, since its writes could land on a standby.
    /// </summary>
    /// <param name="dataSource">The data source.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="InvalidOperationException">Another store or data source was already chosen.</exception>
    public PenguinMailsInfraBuilder UseNpgsql(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _registration.ChooseDataSource(DataSourcePlan.FromResolver(_ => dataSource));
        return this;
    }

    /// <summary>
    /// Uses PostgreSQL through a data source registered in the container (for example by <c>AddNpgsqlDataSource</c> or
    /// <c>AddMultiHostNpgsqlDataSource</c>): the <see cref="NpgsqlDataSource"/> service, else the
    /// <see cref="NpgsqlMultiHostDataSource"/> one, keyed by <paramref name="serviceKey"/> when it is not null. The
    /// container owns it.
    /// </summary>
    /// <param name="serviceKey">The service key of a keyed data source, or null for the unkeyed one.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="InvalidOperationException">Another store or data source was already chosen.</exception>
    public PenguinMailsInfraBuilder UseNpgsqlDataSourceFromServices(object? serviceKey = null)
    {
        _registration.ChooseDataSource(DataSourcePlan.FromResolver(sp => serviceKey is null
            ? sp.GetService<NpgsqlDataSource>() ?? sp.GetRequiredService<NpgsqlMultiHostDataSource>()
            : sp.GetKeyedService<NpgsqlDataSource>(serviceKey) ?? sp.GetRequiredKeyedService<NpgsqlMultiHostDataSource>(serviceKey)));
        return this;
    }

    /// <summary>
    /// Turns on the retry of transient failures for the package's PostgreSQL repositories (reads, and writes that
    /// certainly did not reach the database; see <see cref="TransientRetryOptions"/>). The same as setting
    /// <see cref="TransientRetryOptions.Enabled"/> in <see cref="PenguinMailsInfraOptions.TransientRetry"/>.
    /// </summary>
    /// <param name="configure">Further settings (attempts, delays), or null for the defaults.</param>
    /// <returns>The same builder.</returns>
    public PenguinMailsInfraBuilder AddTransientRetry(Action<TransientRetryOptions>? configure = null)
    {
        Services.Configure<PenguinMailsInfraOptions>(o =>
        {
            o.TransientRetry.Enabled = true;
            configure?.Invoke(o.TransientRetry);
        });
        return this;
    }

    /// <summary>
    /// Adds <see cref="PenguinMailsInfraHealthCheck"/> (database reachable, write route on a primary, schema version as
    /// expected; always healthy on the in-memory store) to the host's health checks, once per name however often it is
    /// called. No check is added without this call (or <c>services.AddHealthChecks().AddPenguinMailsInfra(...)</c>).
    /// </summary>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags for filtering, for example <c>ready</c>, or null.</param>
    /// <returns>The same builder.</returns>
    public PenguinMailsInfraBuilder AddHealthCheck(string name = PenguinMailsInfraHealthChecksBuilderExtensions.DefaultName, IEnumerable<string>? tags = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Services.AddHealthChecks();
        var registration = PenguinMailsInfraHealthChecksBuilderExtensions.CreateRegistration(name, tags);
        Services.Configure<HealthCheckServiceOptions>(o =>
        {
            // Once per name, however often the registration is repeated.
            if (!o.Registrations.Any(r => r.Name == registration.Name))
            {
                o.Registrations.Add(registration);
            }
        });
        return this;
    }

    /// <summary>
    /// Replaces the package's PostgreSQL services with another store's (the Testing package's <c>UseInMemoryStore</c>):
    /// removes what the package registered for PostgreSQL, then runs <paramref name="register"/>, which adds the
    /// repositories, the unit-of-work factory, the IP pool allocator and the tenant cost report of the store.
    /// </summary>
    internal PenguinMailsInfraBuilder UseStore(InfraStore store, Action<IServiceCollection> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        if (_registration.ChooseStore(store, Services))
        {
            register(Services);
        }

        return this;
    }
}
