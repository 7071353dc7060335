using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>
/// The data source the package uses: the application's registered one, or one the package builds from the connection
/// string (and then owns and disposes).
/// </summary>
internal sealed class InfraDataSource : IAsyncDisposable, IDisposable
{
    private readonly bool _owned;

    public InfraDataSource(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value;
        Schema = options.Schema;
        if (options.UseRegisteredDataSource)
        {
            DataSource = options.DataSourceServiceKey is { } key
                ? services.GetRequiredKeyedService<NpgsqlDataSource>(key)
                : services.GetRequiredService<NpgsqlDataSource>();
        }
        else
        {
            DataSource = Build(options.ConnectionString!);
            _owned = true;
        }

        ReliabilityServiceRegistration.AttachTransientRetry(services, DataSource);
    }

    public NpgsqlDataSource DataSource { get; }

    public string Schema { get; }

    /// <summary>
    /// Builds the package's own data source: automatic preparation and no reset on close unless the connection string
    /// says otherwise (the repositories keep no session state, so a reset is not needed).
    /// </summary>
    internal static NpgsqlDataSource Build(string connectionString)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            csb.MaxAutoPrepare = 32;
        }

        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase))
        {
            csb.NoResetOnClose = true;
        }

        if (string.IsNullOrEmpty(csb.ApplicationName))
        {
            csb.ApplicationName = "PenguinMails.Infrastructure";
        }

        return new NpgsqlDataSourceBuilder(csb.ConnectionString).Build();
    }

    public ValueTask DisposeAsync() => _owned ? DataSource.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (_owned)
        {
            DataSource.Dispose();
        }
    }
}
