using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.DependencyInjection.Internal;

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
        var options = InfraRegistration.Options(services);
        var plan = services.GetRequiredService<InfraRegistration>().DataSource;
        var loggerFactory = services.GetService<ILoggerFactory>();
        var time = services.GetService<TimeProvider>();
        Schema = options.Schema;
        if (plan?.Resolve is { } resolve)
        {
            Root = resolve(services);
            if (DatabaseRoutes.IsFixedTargetMultiHost(Root))
            {
                throw new OptionsValidationException(
                    Options.DefaultName,
                    typeof(PenguinMailsInfraOptions),
                    [
                        "UseNpgsql: the data source lists several hosts but is not an NpgsqlMultiHostDataSource (it was made by WithTargetSession), so the package cannot send its writes to the primary: they could land on a standby. Give the NpgsqlMultiHostDataSource itself.",
                    ]);
            }
        }
        else
        {
            Root = Build(plan?.ConnectionString ?? options.ConnectionString!, loggerFactory, plan?.Configure);
            _owned = true;
        }

        DataSource = DatabaseRoutes.Primary(Root);
        StandbyReads = Postgres.Internal.StandbyReads.For(Root, options.Replicas.ReadYourWritesTimeout, time);
        BackgroundReadsFromStandby = options.Replicas.BackgroundReadsFromStandby && StandbyReads is not null;
        if (options.TransientRetry.Enabled)
        {
            Retry = new TransientRetry(options.TransientRetry, loggerFactory?.CreateLogger("PenguinMails.Infrastructure.Core.Reliability.TransientRetry"), time);
        }
    }

    /// <summary>The retry of transient failures the registration's repositories share, or null when it is off.</summary>
    public TransientRetry? Retry { get; }

    /// <summary>An executor over every route of the data source, with the registration's change feed and retry.</summary>
    public PgExecutor Executor(InfraChangeFeed changes) => new(Root, Schema, changes, StandbyReads, Retry);

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
    internal static NpgsqlDataSource Build(string connectionString, ILoggerFactory? loggerFactory = null, Action<NpgsqlDataSourceBuilder>? configure = null)
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

        var builder = new NpgsqlDataSourceBuilder(csb.ConnectionString);
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        configure?.Invoke(builder);
        return builder.Build();
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
