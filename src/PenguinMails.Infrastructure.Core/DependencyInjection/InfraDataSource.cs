using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>
/// The data source the package uses: the application's registered one (an <see cref="NpgsqlDataSource"/> or an
/// <see cref="NpgsqlMultiHostDataSource"/>), or one the package builds from the connection string (and then owns and
/// disposes); and its routes: <see cref="DataSource"/>, the write route every component uses (the primary of a multi-host
/// data source), and <see cref="StandbyReads"/> for the reads declared safe to be stale.
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
            Root = options.DataSourceServiceKey is { } key
                ? services.GetKeyedService<NpgsqlDataSource>(key) ?? services.GetRequiredKeyedService<NpgsqlMultiHostDataSource>(key)
                : services.GetService<NpgsqlDataSource>() ?? services.GetRequiredService<NpgsqlMultiHostDataSource>();
            if (DatabaseRoutes.IsFixedTargetMultiHost(Root))
            {
                throw new OptionsValidationException(
                    Options.DefaultName,
                    typeof(PenguinMailsInfraOptions),
                    [
                        "UseRegisteredDataSource: the registered data source lists several hosts but is not an NpgsqlMultiHostDataSource (it was made by WithTargetSession), so the package cannot send its writes to the primary: they could land on a standby. Register the NpgsqlMultiHostDataSource itself.",
                    ]);
            }
        }
        else
        {
            Root = Build(options.ConnectionString!);
            _owned = true;
        }

        DataSource = DatabaseRoutes.Primary(Root);
        var time = services.GetService<TimeProvider>();
        StandbyReads = Postgres.StandbyReads.For(Root, options.Replicas.ReadYourWritesTimeout, time);
        BackgroundReadsFromStandby = options.Replicas.BackgroundReadsFromStandby && StandbyReads is not null;
        ReliabilityServiceRegistration.AttachTransientRetry(services, Root);
        if (!ReferenceEquals(DataSource, Root))
        {
            ReliabilityServiceRegistration.AttachTransientRetry(services, DataSource);
        }

        if (StandbyReads is not null)
        {
            ReliabilityServiceRegistration.AttachTransientRetry(services, StandbyReads.Standby);
        }
    }

    /// <summary>The data source as registered or built (a multi-host one keeps every route).</summary>
    public NpgsqlDataSource Root { get; }

    /// <summary>The write route: the primary of a multi-host data source, else the data source itself.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The standby route of a multi-host data source, or null.</summary>
    public StandbyReads? StandbyReads { get; }

    /// <summary>Whether the cost report and the timer-based flag refresh read a standby.</summary>
    public bool BackgroundReadsFromStandby { get; }

    public string Schema { get; }

    /// <summary>
    /// Builds the package's own data source: automatic preparation and no reset on close unless the connection string
    /// says otherwise (the repositories keep no session state, so a reset is not needed). Several hosts make an
    /// <see cref="NpgsqlMultiHostDataSource"/>.
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

    public ValueTask DisposeAsync() => _owned ? Root.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (_owned)
        {
            Root.Dispose();
        }
    }
}
