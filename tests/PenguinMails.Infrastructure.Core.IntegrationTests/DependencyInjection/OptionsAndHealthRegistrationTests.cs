using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.DependencyInjection.Internal;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.DependencyInjection;

/// <summary>
/// The one options tree of the registration call (set in code, bound from configuration, validated once at start) and
/// the health check the builder adds.
/// </summary>
public sealed class OptionsAndHealthRegistrationTests
{
    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(PenguinMailsInfraOptions.SectionName);

    [Fact]
    public async Task AddPenguinMailsInfra_NestedOptionsInTheAction_ReachTheServices()
    {
        await using var provider = new ServiceCollection()
            .AddPenguinMailsInfra(o =>
            {
                o.FeatureFlags.RefreshInterval = TimeSpan.FromSeconds(5);
                o.FeatureFlags.ListenForChanges = false;
                o.PermissionCache.TimeToLive = TimeSpan.FromSeconds(10);
                o.PermissionCache.ListenForChanges = false;
            })
            .UseInMemoryStore().Services
            .BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(5), options.FeatureFlags.RefreshInterval);
        Assert.False(options.FeatureFlags.ListenForChanges);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ChangeNotifications.MaxReconnectDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.PermissionCache.TimeToLive);
    }

    [Fact]
    public async Task AddPenguinMailsInfra_ConfigurationSubSections_BindTheWholeTree()
    {
        var section = Section(
            new()
            {
                ["PenguinMailsInfra:ConnectionString"] = "Host=localhost;Database=x",
                ["PenguinMailsInfra:FeatureFlags:RefreshInterval"] = "00:00:05",
                ["PenguinMailsInfra:FeatureFlags:MaxWarnedUnknownKeys"] = "7",
                ["PenguinMailsInfra:PermissionCache:TimeToLive"] = "00:00:10",
                ["PenguinMailsInfra:IpAllocation:MaxAssignmentsPerIp"] = "4",
                ["PenguinMailsInfra:IpRotation:BatchSize"] = "50",
                ["PenguinMailsInfra:Warmup:RewarmAfterUnusedDays"] = "9",
                ["PenguinMailsInfra:ReputationPolicy:BurnAfter"] = "2.00:00:00",
                ["PenguinMailsInfra:TransientRetry:Enabled"] = "true",
                ["PenguinMailsInfra:Replicas:ReadYourWritesTimeout"] = "00:00:02",
            }
        );
        await using var provider = new ServiceCollection().AddPenguinMailsInfra(section).Services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(5), options.FeatureFlags.RefreshInterval);
        Assert.Equal(7, options.FeatureFlags.MaxWarnedUnknownKeys);
        Assert.Equal(TimeSpan.FromSeconds(10), options.PermissionCache.TimeToLive);
        Assert.Equal(4, options.IpAllocation.MaxAssignmentsPerIp);
        Assert.Equal(50, options.IpRotation.BatchSize);
        Assert.Equal(9, options.Warmup.RewarmAfterUnusedDays);
        Assert.Equal(TimeSpan.FromDays(2), options.ReputationPolicy.BurnAfter);
        Assert.True(options.TransientRetry.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Replicas.ReadYourWritesTimeout);
        Assert.NotNull(provider.GetRequiredService<InfraDataSource>().Retry);
    }

    [Fact]
    public async Task ConfigureOfTheTree_AfterTheCall_WinsWhereItSetsAValue()
    {
        var services = new ServiceCollection();
        services.AddPenguinMailsInfra(o =>
            {
                o.FeatureFlags.RefreshInterval = TimeSpan.FromSeconds(5);
                o.FeatureFlags.MaxWarnedUnknownKeys = 3;
            })
            .UseInMemoryStore();
        services.Configure<PenguinMailsInfraOptions>(o => o.FeatureFlags.RefreshInterval = TimeSpan.FromSeconds(15));

        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(15), options.FeatureFlags.RefreshInterval);
        Assert.Equal(3, options.FeatureFlags.MaxWarnedUnknownKeys);
    }

    [Fact]
    public async Task Host_InvalidOptionsOfEveryKindInTheAction_FailsToStartWithOneExceptionListingAllByPath()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o =>
            {
                o.Schema = "Bad-Schema";
                o.MigrationLockTimeout = TimeSpan.Zero;
                o.FeatureFlags.RefreshInterval = TimeSpan.Zero;
                o.FeatureFlags.MaxWarnedUnknownKeys = -1;
                o.PermissionCache.TimeToLive = TimeSpan.FromHours(2);
                o.IpAllocation.MaxAssignmentsPerIp = 0;
                o.IpRotation.BatchSize = 0;
                o.Warmup.RewarmAfterUnusedDays = 0;
                o.ReputationPolicy.BurnAfter = TimeSpan.Zero;
                o.TransientRetry.MaxRetryAttempts = 0;
                o.Replicas.ReadYourWritesTimeout = TimeSpan.FromMinutes(1);
            })
            .UseInMemoryStore();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(typeof(PenguinMailsInfraOptions), ex.OptionsType);
        Assert.Equal(
            [
                "PenguinMailsInfra:FeatureFlags:MaxWarnedUnknownKeys",
                "PenguinMailsInfra:FeatureFlags:RefreshInterval",
                "PenguinMailsInfra:IpAllocation:MaxAssignmentsPerIp",
                "PenguinMailsInfra:IpRotation:BatchSize",
                "PenguinMailsInfra:MigrationLockTimeout",
                "PenguinMailsInfra:PermissionCache:TimeToLive",
                "PenguinMailsInfra:Replicas:ReadYourWritesTimeout",
                "PenguinMailsInfra:ReputationPolicy:BurnAfter",
                "PenguinMailsInfra:Schema",
                "PenguinMailsInfra:TransientRetry:MaxRetryAttempts",
                "PenguinMailsInfra:Warmup:RewarmAfterUnusedDays",
            ],
            ex.Failures.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]).Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public async Task Host_InvalidOptionsInConfiguration_FailsToStartWithOneExceptionWithoutTheConnectionString()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(
            Section(
                new()
                {
                    ["PenguinMailsInfra:ConnectionString"] = "Host=db;Password=hunter2;Nonsense Key=1",
                    ["PenguinMailsInfra:ChangeNotifications:MaxReconnectDelay"] = "00:00:00.5",
                    ["PenguinMailsInfra:PermissionCache:TimeToLive"] = "00:00:00",
                }
            )
        );
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(3, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:ConnectionString is not a valid", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:ChangeNotifications:MaxReconnectDelay must be ", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PenguinMailsInfra:PermissionCache:TimeToLive ", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    private static List<HealthCheckRegistration> Registrations(IServiceCollection services)
    {
        using var provider = services.BuildServiceProvider();
        return [.. provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations];
    }

    [Fact]
    public void AddPenguinMailsInfra_WithoutAddHealthCheck_AddsNoHealthCheck()
    {
        var services = new ServiceCollection().AddPenguinMailsInfra().UseInMemoryStore().Services;

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(HealthCheckService));
    }

    [Fact]
    public void AddHealthCheck_CalledTwice_RegistersTheCheckOnce()
    {
        var services = new ServiceCollection();
        services.AddPenguinMailsInfra().UseInMemoryStore().AddHealthCheck();
        services.AddPenguinMailsInfra().AddHealthCheck();

        var registration = Assert.Single(Registrations(services));

        Assert.Equal(PenguinMailsInfraHealthChecksBuilderExtensions.DefaultName, registration.Name);
        Assert.Empty(registration.Tags);
        Assert.Equal(HealthStatus.Unhealthy, registration.FailureStatus);
    }

    [Fact]
    public void AddHealthCheck_NameAndTags_AreThoseGivenBesideOtherChecks()
    {
        var services = new ServiceCollection();
        services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy());
        services.AddPenguinMailsInfra().UseInMemoryStore().AddHealthCheck("infra-db", ["ready"]);

        var registrations = Registrations(services);

        Assert.Equal(["self", "infra-db"], registrations.Select(r => r.Name));
        Assert.Equal(["ready"], registrations[1].Tags);
    }

    [Fact]
    public async Task HealthCheckService_InMemoryHost_ReportsThePackageCheckHealthy()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra().UseInMemoryStore().AddHealthCheck();
        using var host = builder.Build();
        await host.StartAsync();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync();

        Assert.Equal(HealthStatus.Healthy, report.Entries[PenguinMailsInfraHealthChecksBuilderExtensions.DefaultName].Status);
    }

    [Fact]
    public async Task HealthCheckService_PostgresHost_ReportsTheSchemaVersion()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("di_autohealth");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o =>
            {
                o.StartupMigration = MigrationMode.Migrate;
                o.CreateHostTables = true;
            })
            .UseNpgsql(connectionString)
            .AddHealthCheck();
        using var host = builder.Build();
        await host.StartAsync();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal(PenguinMailsInfraHealthChecksBuilderExtensions.DefaultName, entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal(SchemaMigrations.LatestVersion, entry.Value.Data["current_version"]);
    }
}
