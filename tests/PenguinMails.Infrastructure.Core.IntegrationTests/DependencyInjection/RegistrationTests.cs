using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.DependencyInjection.Internal;
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
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddPenguinMailsInfra().UseInMemoryStore();
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
        await using var memory = new ServiceCollection().AddPenguinMailsInfra().UseInMemoryStore().Services.BuildServiceProvider();
        await using var postgres = new ServiceCollection().AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost").Services.BuildServiceProvider();

        Assert.StartsWith("InMemory", memory.GetRequiredService(repositoryType).GetType().Name, StringComparison.Ordinal);
        Assert.StartsWith("Npgsql", postgres.GetRequiredService(repositoryType).GetType().Name, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPenguinMailsInfra_CalledTwice_AddsNothingTwice()
    {
        var once = new ServiceCollection().AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost").Services;
        var twice = new ServiceCollection()
            .AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost").Services
            .AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost").Services;

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
        var services = new ServiceCollection().AddPenguinMailsInfra().UseNpgsql("Host=localhost").Services;

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddPenguinMailsInfra().UseInMemoryStore());

        Assert.Contains("cannot switch it to the in-memory store", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseNpgsql_AfterTheInMemoryStore_Throws()
    {
        var builder = new ServiceCollection().AddPenguinMailsInfra().UseInMemoryStore();

        var ex = Assert.Throws<InvalidOperationException>(() => builder.UseNpgsql("Host=localhost"));

        Assert.Contains("in-memory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseNpgsql_Twice_Throws()
    {
        var builder = new ServiceCollection().AddPenguinMailsInfra().UseNpgsql("Host=localhost");

        Assert.Throws<InvalidOperationException>(() => builder.UseNpgsql("Host=other"));
    }

    [Fact]
    public void UseInMemoryStore_Twice_AddsNothingTwice()
    {
        var services = new ServiceCollection();
        services.AddPenguinMailsInfra().UseInMemoryStore();
        var count = services.Count;

        services.AddPenguinMailsInfra().UseInMemoryStore();

        Assert.Equal(count, services.Count);
        Assert.Single(services, d => d.ServiceType == typeof(IVpsInstanceRepository));
    }

    [Fact]
    public async Task AddPenguinMailsInfra_ConfigureDelegate_RunsOnceThroughTheHostsLifetime()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("di_once");
        var calls = 0;
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o =>
            {
                calls++;
                o.StartupMigration = MigrationMode.Migrate;
                o.CreateHostTables = true;
                o.FeatureFlags.ListenForChanges = false;
                o.PermissionCache.ListenForChanges = false;
            })
            .UseNpgsql(connectionString)
            .AddTransientRetry()
            .AddHealthCheck();
        using var host = builder.Build();

        Assert.Equal(0, calls); // registering and building run nothing of the application's
        await host.StartAsync();
        _ = host.Services.GetRequiredService<IVpsInstanceRepository>();
        _ = host.Services.GetRequiredService<Core.IpPools.IIpPoolAllocator>();
        _ = host.Services.GetRequiredService<Core.FeatureFlags.IFeatureFlagEvaluator>();
        _ = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync();

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task AddPenguinMailsInfra_InMemoryConfigureDelegate_RunsOnce()
    {
        var calls = 0;
        await using var provider = new ServiceCollection()
            .AddPenguinMailsInfra(o =>
            {
                calls++;
                o.IpAllocation.MaxAssignmentsPerIp = 5;
            })
            .UseInMemoryStore().Services
            .BuildServiceProvider();

        _ = provider.GetRequiredService<IVpsInstanceRepository>();
        _ = provider.GetRequiredService<Core.IpPools.IIpPoolAllocator>();
        _ = provider.GetRequiredService<Core.IpPools.IIpRotationService>();
        Assert.Equal(5, provider.GetRequiredService<IOptionsMonitor<PenguinMailsInfraOptions>>().CurrentValue.IpAllocation.MaxAssignmentsPerIp);

        Assert.Equal(1, calls);
    }

    [Fact]
    public void AddPenguinMailsInfra_FromConfiguration_AListReplacesTheDefaultList()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["PenguinMailsInfra:IpAllocation:StatusPreference:0"] = "Warmed",
                    ["PenguinMailsInfra:IpAllocation:ExcludedReputationStates:0"] = "Poor",
                    ["PenguinMailsInfra:IpAllocation:ExcludedReputationStates:1"] = "Critical",
                    ["PenguinMailsInfra:ReputationPolicy:MajorMailboxProviders:0"] = "example.com",
                }
            )
            .Build();
        using var provider = new ServiceCollection()
            .AddPenguinMailsInfra(configuration.GetSection(PenguinMailsInfraOptions.SectionName)).UseInMemoryStore().Services
            .BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value;

        Assert.Equal([Core.SmtpIps.SmtpIpAddressStatus.Warmed], options.IpAllocation.StatusPreference);
        Assert.Equal(new[] { Core.SmtpIps.ReputationState.Critical, Core.SmtpIps.ReputationState.Poor }.Order(), options.IpAllocation.ExcludedReputationStates.Order());
        Assert.Equal(["example.com"], options.ReputationPolicy.MajorMailboxProviders!);
    }

    [Fact]
    public void AddPenguinMailsInfra_FromConfigurationWithoutAList_KeepsTheDefaultList()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["PenguinMailsInfra:IpAllocation:MaxAssignmentsPerIp"] = "3" })
            .Build();
        using var provider = new ServiceCollection()
            .AddPenguinMailsInfra(configuration.GetSection(PenguinMailsInfraOptions.SectionName)).UseInMemoryStore().Services
            .BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value;

        Assert.Equal(3, options.IpAllocation.MaxAssignmentsPerIp);
        Assert.Equal(new Core.IpPools.IpAllocationOptions().StatusPreference, options.IpAllocation.StatusPreference);
    }

    [Fact]
    public async Task UseNpgsql_ConfigureDataSource_RunsOnTheBuilderWithTheContainersLoggerFactory()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("di_builder");
        using var logs = new FakeLoggerProvider();
        NpgsqlDataSourceBuilder? seen = null;
        var services = new ServiceCollection().AddLogging(b => b.AddProvider(logs).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug));
        services.AddPenguinMailsInfra(o => o.CreateHostTables = true).UseNpgsql(connectionString, b =>
        {
            seen = b;
            b.EnableParameterLogging();
        });
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<PostgresMigrator>().MigrateAsync();
        await provider.GetRequiredService<IVpsInstanceRepository>().AddAsync(new VpsInstance { Region = "logged-region" });

        Assert.NotNull(seen);
        var records = logs.Collector.GetSnapshot();
        Assert.Contains(records, r => r.Category?.StartsWith("Npgsql", StringComparison.Ordinal) == true);
        Assert.Contains(records, r => r.Message.Contains("logged-region", StringComparison.Ordinal)); // parameter logging, set by the hook
    }

    [Fact]
    public async Task UseNpgsql_GivenDataSource_IsUsedAndNotDisposed()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("di_given");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new PostgresMigrator(dataSource, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
        var services = new ServiceCollection();
        services.AddPenguinMailsInfra().UseNpgsql(dataSource);

        await using (var provider = services.BuildServiceProvider())
        {
            await provider.GetRequiredService<IVpsInstanceRepository>().AddAsync(new VpsInstance());
        }

        await using var command = dataSource.CreateCommand("SELECT count(*) FROM vps_instances");
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public void TransientRetry_IsGivenToTheRegistrationsRepositoriesOnly()
    {
        using var off = new ServiceCollection().AddPenguinMailsInfra().UseNpgsql("Host=localhost").Services.BuildServiceProvider();
        using var on = new ServiceCollection().AddPenguinMailsInfra().UseNpgsql("Host=localhost").AddTransientRetry(o => o.MaxRetryAttempts = 2).Services.BuildServiceProvider();

        Assert.Null(off.GetRequiredService<InfraDataSource>().Retry);
        Assert.NotNull(on.GetRequiredService<InfraDataSource>().Retry);
        Assert.Equal(2, on.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value.TransientRetry.MaxRetryAttempts);
    }

    [Fact]
    public void Options_SeveralInvalid_ReportsEveryFailureAtOnceWithoutTheConnectionString()
    {
        var services = new ServiceCollection();
        services.AddPenguinMailsInfra(o =>
        {
            o.ConnectionString = "Host=db;Password=hunter2;Nonsense Key=1";
            o.Schema = "Bad-Schema";
            o.MigrationLockTimeout = TimeSpan.Zero;
            o.IpAllocation.MaxAssignmentsPerIp = 0;
            o.FeatureFlags.RefreshInterval = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value);

        Assert.Equal(5, ex.Failures.Count());
        Assert.All(ex.Failures, f => Assert.StartsWith("PenguinMailsInfra:", f, StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:Schema ", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:MigrationLockTimeout ", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:IpAllocation:MaxAssignmentsPerIp ", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:FeatureFlags:RefreshInterval ", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("not a valid Npgsql connection string", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NoStoreChosen_FailsNamingTheChoices()
    {
        using var provider = new ServiceCollection().AddPenguinMailsInfra(_ => { }).Services.BuildServiceProvider();

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
            .AddPenguinMailsInfra(configuration.GetSection(PenguinMailsInfraOptions.SectionName)).Services
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
        services.AddPenguinMailsInfra().UseNpgsqlDataSourceFromServices("infra");
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
        }).AddHealthCheck(tags: ["ready"]);
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
            .AddPenguinMailsInfra(o => o.ConnectionString = "Host=127.0.0.1;Port=1;Timeout=2;Password=never-shown").AddHealthCheck().Services
            .BuildServiceProvider();
        var unreachable = await down.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, unreachable.Status);
        Assert.DoesNotContain("never-shown", unreachable.Entries["penguinmails-infra"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_InMemory_IsHealthy()
    {
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddPenguinMailsInfra().UseInMemoryStore().AddHealthCheck().Services
            .BuildServiceProvider();

        Assert.Equal(HealthStatus.Healthy, (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status);
    }
}
