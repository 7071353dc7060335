using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace PenguinMails.Infrastructure.Core.DependencyInjection.Internal;

/// <summary>The stores the package can run on.</summary>
internal enum InfraStore
{
    /// <summary>PostgreSQL (the default).</summary>
    Postgres,

    /// <summary>The Testing package's in-memory store.</summary>
    InMemory,
}

/// <summary>How the package gets its data source: built from a connection string (and owned), or given.</summary>
internal sealed record DataSourcePlan(Func<IServiceProvider, NpgsqlDataSource>? Resolve, string? ConnectionString, Action<NpgsqlDataSourceBuilder>? Configure)
{
    public static DataSourcePlan Build(string connectionString, Action<NpgsqlDataSourceBuilder>? configure) => new(null, connectionString, configure);

    public static DataSourcePlan FromResolver(Func<IServiceProvider, NpgsqlDataSource> resolve) => new(resolve, null, null);
}

/// <summary>
/// What one service collection's <c>AddPenguinMailsInfra</c> registration chose, decided while the services are being
/// registered (never by running the application's configure delegate): the store, the data source, and the descriptors
/// the package added for PostgreSQL, so that another store can take their place. Registered as a singleton instance;
/// a second <c>AddPenguinMailsInfra</c> call finds it and adds nothing.
/// </summary>
internal sealed class InfraRegistration
{
    private readonly List<ServiceDescriptor> _postgresServices = [];
    private bool _storeChosen;

    public InfraStore Store { get; private set; } = InfraStore.Postgres;

    public bool UsesPostgres => Store == InfraStore.Postgres;

    /// <summary>The data source chosen on the builder, or null to build one from <see cref="PenguinMailsInfraOptions.ConnectionString"/>.</summary>
    public DataSourcePlan? DataSource { get; private set; }

    /// <summary>Adds <paramref name="descriptor"/> unless its service type is registered (unkeyed), and remembers it as a PostgreSQL service.</summary>
    public void TryAddPostgres(IServiceCollection services, ServiceDescriptor descriptor)
    {
        if (descriptor.ServiceType != typeof(Microsoft.Extensions.Hosting.IHostedService)
            && services.Any(d => d.ServiceType == descriptor.ServiceType && !d.IsKeyedService))
        {
            return;
        }

        services.Add(descriptor);
        _postgresServices.Add(descriptor);
    }

    public void ChooseDataSource(DataSourcePlan plan)
    {
        if (!UsesPostgres)
        {
            throw new InvalidOperationException($"AddPenguinMailsInfra was set up with the {Describe(Store)} store; UseNpgsql cannot switch it to PostgreSQL. Choose one store.");
        }

        if (DataSource is not null)
        {
            throw new InvalidOperationException("A data source was already chosen for AddPenguinMailsInfra (UseNpgsql or UseNpgsqlDataSourceFromServices); choose it once.");
        }

        DataSource = plan;
        _storeChosen = true;
    }

    /// <summary>Switches to <paramref name="store"/>, removing the package's PostgreSQL services; false when it is already the store.</summary>
    public bool ChooseStore(InfraStore store, IServiceCollection services)
    {
        if (Store == store && _storeChosen)
        {
            return false;
        }

        if (_storeChosen)
        {
            throw new InvalidOperationException(
                $"AddPenguinMailsInfra was set up with the {Describe(Store)} store; a later call cannot switch it to the {Describe(store)} store. Choose one store.");
        }

        foreach (var descriptor in _postgresServices)
        {
            services.Remove(descriptor);
        }

        _postgresServices.Clear();
        Store = store;
        _storeChosen = true;
        return true;
    }

    /// <summary>
    /// The package's options as the container has them (configured and validated). Read through the options monitor,
    /// the cache the start-up validation reads too, so the application's configure delegates run once.
    /// </summary>
    public static PenguinMailsInfraOptions Options(IServiceProvider services) =>
        services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<PenguinMailsInfraOptions>>().CurrentValue;

    private static string Describe(InfraStore store) => store == InfraStore.Postgres ? "PostgreSQL" : "in-memory";
}
