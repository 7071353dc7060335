using FluentMigrator;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Initialization;
using FluentMigrator.Runner.Processors;
using FluentMigrator.Runner.VersionTableInfo;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema.Migrations;

namespace PenguinMails.Infrastructure.Core.Postgres.Schema.Internal;

/// <summary>
/// A FluentMigrator runner over the package's migrations (<see cref="PackageMigrations"/>), its history table
/// (<see cref="PackageVersionTableMetaData"/>, <see cref="PackageVersionLoader"/>) and one locked connection
/// (<see cref="ConnectionProcessor"/>). Its own service provider: nothing of the host's FluentMigrator set-up (scanned
/// assemblies, version table metadata, conventions) leaks in, and nothing of the package's leaks out.
/// </summary>
internal sealed class FluentMigratorSession : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IServiceScope _scope;

    public FluentMigratorSession(NpgsqlConnection connection, string schema, VersionRecorder recorder)
    {
        var services = new ServiceCollection();

        // Registered before AddFluentMigratorCore, whose TryAdd calls then keep them.
        services.AddSingleton(recorder);
        services.AddScoped<IVersionTableMetaData>(_ => new PackageVersionTableMetaData(schema));
#pragma warning disable CS0618 // FluentMigrator's migration loader still takes the (obsolete) filtering source.
        services.AddScoped<IFilteringMigrationSource>(_ => new PackageMigrationSource(PackageMigrations.Create(schema)));
#pragma warning restore CS0618
        services.AddScoped<IConnectionStringAccessor>(_ => new FixedConnectionStringAccessor(connection.ConnectionString));
        services.AddScoped<IProcessorAccessor>(sp => new FixedProcessorAccessor(ActivatorUtilities.CreateInstance<ConnectionProcessor>(sp, connection)));
        services.AddScoped<IVersionLoader>(sp => ActivatorUtilities.CreateInstance<PackageVersionLoader>(sp));
        services.AddFluentMigratorCore().ConfigureRunner(rb => rb.AddPostgres15_0());

        // No command timeout (a script may run long; the lock timeout bounds the waits); one transaction per version.
        services.Configure<ProcessorOptions>(o => o.Timeout = TimeSpan.Zero);
        services.Configure<RunnerOptions>(o => o.TransactionPerSession = false);

        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        _scope = _provider.CreateScope();
        Runner = _scope.ServiceProvider.GetRequiredService<IMigrationRunner>();
    }

    public IMigrationRunner Runner { get; }

    public void Dispose()
    {
        _scope.Dispose();
        _provider.Dispose();
    }

    private sealed class FixedProcessorAccessor(IMigrationProcessor processor) : IProcessorAccessor
    {
        public IMigrationProcessor Processor { get; } = processor;
    }

    /// <summary>
    /// FluentMigrator asks for a connection string to decide that it is connected; it is never used to connect. It is the
    /// data source's, which holds no password.
    /// </summary>
    private sealed class FixedConnectionStringAccessor(string connectionString) : IConnectionStringAccessor
    {
        public string ConnectionString { get; } = string.IsNullOrEmpty(connectionString) ? "Host=localhost" : connectionString;
    }

#pragma warning disable CS0618 // See the registration above.
    private sealed class PackageMigrationSource(IReadOnlyList<PackageMigration> migrations) : IFilteringMigrationSource
#pragma warning restore CS0618
    {
        public IEnumerable<IMigration> GetMigrations(Func<Type, bool> predicate) => migrations.Where(m => predicate(m.GetType()));
    }
}
