using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.DependencyInjection;

public sealed class RegistrationTests
{
    [Fact]
    public async Task AddPenguinMailsInfra_InMemory_ResolvesRepositoriesOverOneStoreWithContainerClock()
    {
        var clock = new ManualClock();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddPenguinMailsInfra(o => o.UseInMemoryStore());
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var repo = provider.GetRequiredService<IVpsInstanceRepository>();
        var stored = await repo.AddAsync(new VpsInstance { Region = "us-east" });
        await using (var uow = await provider.GetRequiredService<IInfraUnitOfWorkFactory>().BeginAsync())
        {
            Assert.Equal(stored, await uow.VpsInstances.GetAsync(stored.Id));
        }

        Assert.IsType<InMemoryVpsInstanceRepository>(repo);
        Assert.Equal(clock.GetUtcNow(), stored.Created);
        Assert.Same(provider.GetRequiredService<InMemoryInfraStore>(), provider.GetRequiredService<InMemoryInfraStore>());
        Assert.Null(provider.GetService<PostgresMigrator>());
    }

    /// <summary>Every repository the unit of work offers, by its interface.</summary>
    public static TheoryData<Type> RepositoryTypes() =>
        new(typeof(IInfraUnitOfWork).GetProperties().Select(p => p.PropertyType).Where(t => t.Name.EndsWith("Repository", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(RepositoryTypes))]
    public async Task AddPenguinMailsInfra_EveryRepository_ResolvesOnBothStores(Type repositoryType)
    {
        await using var memory = new ServiceCollection().AddPenguinMailsInfra(o => o.UseInMemoryStore()).BuildServiceProvider();
        await using var postgres = new ServiceCollection().AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost").BuildServiceProvider();

        Assert.StartsWith("InMemory", memory.GetRequiredService(repositoryType).GetType().Name, StringComparison.Ordinal);
        Assert.StartsWith("Npgsql", postgres.GetRequiredService(repositoryType).GetType().Name, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPenguinMailsInfra_CalledTwice_AddsNothingTwice()
    {
        var once = new ServiceCollection().AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost");
        var twice = new ServiceCollection()
            .AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost")
            .AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost");

        Assert.Equal(
            once.Select(d => d.ServiceType.FullName).Where(n => n is not null && !n.Contains("IConfigureOptions", StringComparison.Ordinal)).Order(),
            twice.Select(d => d.ServiceType.FullName).Where(n => n is not null && !n.Contains("IConfigureOptions", StringComparison.Ordinal)).Order()
        );
        Assert.Single(twice, d => d.ServiceType == typeof(IVpsInstanceRepository));
        Assert.Single(twice, d => d.ImplementationType?.Name == "SchemaStartupService");
    }

    [Fact]
    public void AddPenguinMailsInfra_SecondCallSwitchingStore_Throws()
    {
        var services = new ServiceCollection().AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost");

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddPenguinMailsInfra(o => o.UseInMemoryStore()));

        Assert.Contains("cannot switch stores", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_SeveralInvalid_ReportsEveryFailureAtOnceWithoutTheConnectionString()
    {
        var services = new ServiceCollection();
        services.AddPenguinMailsInfra(o =>
        {
            o.ConnectionString = "Host=db;Password=hunter2;Nonsense Key=1";
            o.UseRegisteredDataSource = true;
            o.Schema = "Bad-Schema";
            o.MigrationLockTimeout = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value);

        Assert.Equal(4, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("Schema", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MigrationLockTimeout", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("not both", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("not a valid Npgsql connection string", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NoStoreChosen_FailsNamingTheChoices()
    {
        using var provider = new ServiceCollection().AddPenguinMailsInfra(_ => { }).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value);

        Assert.Contains("ConnectionString", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void AddPenguinMailsInfra_FromConfiguration_BindsOptions()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["PenguinMailsInfra:ConnectionString"] = "Host=localhost;Database=x",
                    ["PenguinMailsInfra:Schema"] = "mail_infra",
                    ["PenguinMailsInfra:StartupMigration"] = "Off",
                }
            )
            .Build();
        using var provider = new ServiceCollection()
            .AddPenguinMailsInfra(configuration.GetSection(PenguinMailsInfraOptions.SectionName))
            .BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value;

        Assert.Equal("mail_infra", options.Schema);
        Assert.Equal(MigrationMode.Off, options.StartupMigration);
        Assert.IsType<NpgsqlVpsInstanceRepository>(provider.GetRequiredService<IVpsInstanceRepository>());
    }

    [Fact]
    public async Task Host_MigrateMode_MigratesAtStartAndRepositoriesWork()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("di_migrate");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o =>
        {
            o.ConnectionString = connectionString;
            o.StartupMigration = MigrationMode.Migrate;
            o.CreateHostTables = true;
        });
        using var host = builder.Build();

        await host.StartAsync();
        var repo = host.Services.GetRequiredService<IVpsInstanceRepository>();
        var stored = await repo.AddAsync(new VpsInstance { Region = "eu" });
        var status = await host.Services.GetRequiredService<PostgresMigrator>().GetStatusAsync();
        await host.StopAsync();

        Assert.Equal(stored, await repo.GetAsync(stored.Id));
        Assert.Empty(status.Pending);
    }

    [Fact]
    public async Task Host_VerifyOnlyOnEmptyDatabase_FailsToStartListingPendingVersions()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("di_verify");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o => o.ConnectionString = connectionString);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAnyAsync<PenguinMailsException>(() => host.StartAsync());

        Assert.Contains("pending", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AddPenguinMailsInfra_KeyedRegisteredDataSource_IsUsed()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("di_keyed");
        await using (var setup = NpgsqlDataSource.Create(connectionString))
        {
            await new PostgresMigrator(setup, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
        }

        var services = new ServiceCollection();
        services.AddKeyedSingleton("infra", (_, _) => NpgsqlDataSource.Create(connectionString));
        services.AddPenguinMailsInfra(o =>
        {
            o.UseRegisteredDataSource = true;
            o.DataSourceServiceKey = "infra";
        });
        await using var provider = services.BuildServiceProvider();

        var stored = await provider.GetRequiredService<IVpsInstanceRepository>().AddAsync(new VpsInstance());

        Assert.NotNull(await provider.GetRequiredService<IVpsInstanceRepository>().GetAsync(stored.Id));
    }

    [Fact]
    public async Task HealthCheck_ThroughTheSchemaLifetime_ReportsDegradedThenHealthyThenUnhealthy()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("di_health");
        var services = new ServiceCollection().AddLogging();
        services.AddPenguinMailsInfra(o =>
        {
            o.ConnectionString = connectionString + ";Password=never-shown";
            o.CreateHostTables = true;
        });
        services.AddHealthChecks().AddPenguinMailsInfra(tags: ["ready"]);
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        var pending = await health.CheckHealthAsync();
        await provider.GetRequiredService<PostgresMigrator>().MigrateAsync();
        var healthy = await health.CheckHealthAsync();

        Assert.Equal(HealthStatus.Degraded, pending.Status);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(SchemaMigrations.LatestVersion, healthy.Entries["penguinmails-infra"].Data["current_version"]);

        await using var down = new ServiceCollection()
            .AddLogging()
            .AddPenguinMailsInfra(o => o.ConnectionString = "Host=127.0.0.1;Port=1;Timeout=2;Password=never-shown")
            .AddHealthChecks().AddPenguinMailsInfra().Services.BuildServiceProvider();
        var unreachable = await down.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, unreachable.Status);
        Assert.DoesNotContain("never-shown", unreachable.Entries["penguinmails-infra"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_InMemory_IsHealthy()
    {
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddPenguinMailsInfra(o => o.UseInMemoryStore())
            .AddHealthChecks().AddPenguinMailsInfra().Services.BuildServiceProvider();

        Assert.Equal(HealthStatus.Healthy, (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status);
    }
}
