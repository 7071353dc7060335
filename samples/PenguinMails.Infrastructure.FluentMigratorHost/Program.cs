// A host application with its own FluentMigrator migrations runs the package's migrations from the same process:
//   1. its own runner up to the migration that creates the host tables (users, tenants, domains);
//   2. the package's migrations, by the package's own FluentMigrator runner (PostgresMigrator): their own version table
//      (penguinmails_schema_history), the package's lock, checksums and host-table check;
//   3. its own runner again, for the host migrations that reference the package's tables.
// Usage: dotnet run --project samples/PenguinMails.Infrastructure.FluentMigratorHost -- --connection "Host=...;Database=...;Username=...;Password=..."
using FluentMigrator.Runner;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.FluentMigratorHost;

var connectionString = args.Length == 2 && args[0] == "--connection"
    ? args[1]
    : Environment.GetEnvironmentVariable("PENGUINMAILS_CONNECTION");
if (string.IsNullOrWhiteSpace(connectionString))
{
    await Console.Error.WriteLineAsync("usage: PenguinMails.Infrastructure.FluentMigratorHost --connection \"<Npgsql connection string>\"");
    return 2;
}

// The host's FluentMigrator set-up, as it was before the package: its assembly, its VersionInfo table.
await using var services = new ServiceCollection()
    .AddFluentMigratorCore()
    .ConfigureRunner(rb => rb
        .AddPostgres15_0()
        .WithGlobalConnectionString(connectionString)
        .ScanIn(typeof(CreateHostTables).Assembly).For.Migrations())
    .BuildServiceProvider();
using (var scope = services.CreateScope())
{
    var runner = scope.ServiceProvider.GetRequiredService<IMigrationRunner>();
    runner.MigrateUp(2026_01_01_0001);

    // The package's migrations: the same engine, run by the package's runner over the application's data source.
    await using var dataSource = NpgsqlDataSource.Create(connectionString);
    var migrator = new PostgresMigrator(dataSource, new MigratorOptions { AppliedBy = "fluentmigrator-host" });
    var applied = await migrator.MigrateAsync();
    Console.WriteLine(applied.Count == 0 ? "package: nothing to apply" : $"package: applied {string.Join(", ", applied)}");

    runner.MigrateUp();
    Console.WriteLine($"host: at version {scope.ServiceProvider.GetRequiredService<IVersionLoader>().VersionInfo.Latest()}");

    // What a deployment pipeline checks afterwards: history and live catalog.
    var status = await migrator.VerifyAsync();
    var catalog = await migrator.VerifyCatalogAsync();
    Console.WriteLine($"package: version {status.CurrentVersion}, catalog {(catalog.IsClean ? "clean" : string.Join("; ", catalog.Differences))}");
    return catalog.IsClean ? 0 : 1;
}
