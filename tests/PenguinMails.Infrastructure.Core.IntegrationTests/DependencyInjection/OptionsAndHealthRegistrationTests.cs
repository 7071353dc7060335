using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Reliability;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.DependencyInjection;

/// <summary>
/// The nested feature-flag and permission-cache options of the one registration call, the single start-up validation, and
/// the health check the call adds.
/// </summary>
public sealed class OptionsAndHealthRegistrationTests
{
    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(PenguinMailsInfraOptions.SectionName);

    [Fact]
    public async Task AddPenguinMailsInfra_NestedOptionsInTheAction_FlowIntoFeatureFlagAndPermissionCacheOptions()
    {
        await using var provider = new ServiceCollection()
            .AddPenguinMailsInfra(o =>
            {
                o.UseInMemoryStore();
                o.FeatureFlags.RefreshInterval = TimeSpan.FromSeconds(5);
                o.FeatureFlags.ListenForChanges = false;
                o.PermissionCache.TimeToLive = TimeSpan.FromSeconds(10);
                o.PermissionCache.ListenForChanges = false;
            })
            .BuildServiceProvider();

        var flags = provider.GetRequiredService<IOptions<FeatureFlagOptions>>().Value;
        var cache = provider.GetRequiredService<IOptions<PermissionCacheOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(5), flags.RefreshInterval);
        Assert.False(flags.ListenForChanges);
        Assert.Equal(TimeSpan.FromSeconds(30), flags.MaxReconnectDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), cache.TimeToLive);
        Assert.False(cache.ListenForChanges);
        Assert.Equal(TimeSpan.FromSeconds(2), cache.ListenReconnectDelay);
    }

    [Fact]
    public async Task AddPenguinMailsInfra_ConfigurationSubSections_BindFeatureFlagsAndPermissionCache()
    {
        var section = Section(
            new()
            {
                ["PenguinMailsInfra:ConnectionString"] = "Host=localhost;Database=x",
                ["PenguinMailsInfra:FeatureFlags:RefreshInterval"] = "00:00:05",
                ["PenguinMailsInfra:FeatureFlags:MaxWarnedUnknownKeys"] = "7",
                ["PenguinMailsInfra:PermissionCache:TimeToLive"] = "00:00:10",
                ["PenguinMailsInfra:PermissionCache:ListenForChanges"] = "false",
            }
        );
        await using var provider = new ServiceCollection().AddPenguinMailsInfra(section).BuildServiceProvider();

        var flags = provider.GetRequiredService<IOptions<FeatureFlagOptions>>().Value;
        var cache = provider.GetRequiredService<IOptions<PermissionCacheOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(5), flags.RefreshInterval);
        Assert.Equal(7, flags.MaxWarnedUnknownKeys);
        Assert.True(flags.ListenForChanges);
        Assert.Equal(TimeSpan.FromSeconds(10), cache.TimeToLive);
        Assert.False(cache.ListenForChanges);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConfigureOfTheOptionsType_BeforeOrAfterTheCall_WinsWhereItSetsAValue(bool configureFirst)
    {
        var services = new ServiceCollection();
        void ConfigureTypes()
        {
            services.Configure<FeatureFlagOptions>(o => o.RefreshInterval = TimeSpan.FromSeconds(15));
            services.Configure<PermissionCacheOptions>(o => o.TimeToLive = TimeSpan.FromSeconds(20));
        }

        if (configureFirst)
        {
            ConfigureTypes();
        }

        services.AddPenguinMailsInfra(o =>
        {
            o.UseInMemoryStore();
            o.FeatureFlags.RefreshInterval = TimeSpan.FromSeconds(5);
            o.FeatureFlags.MaxWarnedUnknownKeys = 3;
            o.PermissionCache.TimeToLive = TimeSpan.FromSeconds(10);
            o.PermissionCache.ListenReconnectDelay = TimeSpan.FromSeconds(9);
        });
        if (!configureFirst)
        {
            ConfigureTypes();
        }

        await using var provider = services.BuildServiceProvider();
        var flags = provider.GetRequiredService<IOptions<FeatureFlagOptions>>().Value;
        var cache = provider.GetRequiredService<IOptions<PermissionCacheOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(15), flags.RefreshInterval);
        Assert.Equal(3, flags.MaxWarnedUnknownKeys);
        Assert.Equal(TimeSpan.FromSeconds(20), cache.TimeToLive);
        Assert.Equal(TimeSpan.FromSeconds(9), cache.ListenReconnectDelay);
    }

    [Fact]
    public async Task Host_InvalidOptionsOfEveryKindInTheAction_FailsToStartWithOneExceptionListingAll()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o =>
        {
            o.UseInMemoryStore();
            o.Schema = "Bad-Schema";
            o.MigrationLockTimeout = TimeSpan.Zero;
            o.FeatureFlags.RefreshInterval = TimeSpan.Zero;
            o.PermissionCache.TimeToLive = TimeSpan.FromHours(2);
        });
        builder.Services.Configure<FeatureFlagOptions>(o => o.MaxWarnedUnknownKeys = -1);
        builder.Services.Configure<IpAllocationOptions>(o => o.MaxAssignmentsPerIp = 0);
        builder.Services.Configure<WarmupOptions>(o => o.RewarmAfterUnusedDays = 0);
        builder.Services.Configure<TransientRetryOptions>(o => o.MaxRetryAttempts = 0);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(8, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.StartsWith("TransientRetryOptions.MaxRetryAttempts", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("IpAllocation.MaxAssignmentsPerIp", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Warmup.RewarmAfterUnusedDays", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Schema", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("MigrationLockTimeout", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("FeatureFlags.RefreshInterval", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("FeatureFlags.MaxWarnedUnknownKeys", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PermissionCacheOptions.TimeToLive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Host_InvalidOptionsOfEveryKindInConfiguration_FailsToStartWithOneExceptionListingAllWithoutTheConnectionString()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(
            Section(
                new()
                {
                    ["PenguinMailsInfra:ConnectionString"] = "Host=db;Password=hunter2",
                    ["PenguinMailsInfra:UseRegisteredDataSource"] = "true",
                    ["PenguinMailsInfra:FeatureFlags:MaxReconnectDelay"] = "00:00:00.5",
                    ["PenguinMailsInfra:PermissionCache:ListenReconnectDelay"] = "00:00:00",
                }
            )
        );
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(3, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("not both", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("FeatureFlags.MaxReconnectDelay", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("PermissionCacheOptions.ListenReconnectDelay", StringComparison.Ordinal));
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_InvalidNestedValueOverriddenByConfigureOfTheType_Starts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o =>
        {
            o.UseInMemoryStore();
            o.FeatureFlags.RefreshInterval = TimeSpan.Zero;
        });
        builder.Services.Configure<FeatureFlagOptions>(o => o.RefreshInterval = TimeSpan.FromSeconds(1));
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(TimeSpan.FromSeconds(1), host.Services.GetRequiredService<IOptions<FeatureFlagOptions>>().Value.RefreshInterval);
    }

    [Fact]
    public void Copy_EverySettableProperty_IsCopied()
    {
        static void SetDistinct(object target)
        {
            foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                var value = property.GetValue(target);
                property.SetValue(
                    target,
                    value switch
                    {
                        TimeSpan t => t + TimeSpan.FromMilliseconds(1234),
                        bool b => !b,
                        int i => i + 17,
                        _ => throw new InvalidOperationException($"add a case for {property.PropertyType} ({property.Name})"),
                    }
                );
            }
        }

        static void AssertSame(object expected, object actual)
        {
            foreach (var property in expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                Assert.Equal(property.GetValue(expected), property.GetValue(actual));
            }
        }

        var flags = new FeatureFlagOptions();
        SetDistinct(flags);
        var flagsCopy = new FeatureFlagOptions();
        FeatureFlagOptionsFromInfra.Copy(flags, flagsCopy);
        var cache = new PermissionCacheOptions();
        SetDistinct(cache);
        var cacheCopy = new PermissionCacheOptions();
        PermissionCacheOptionsFromInfra.Copy(cache, cacheCopy);

        AssertSame(flags, flagsCopy);
        AssertSame(cache, cacheCopy);
    }

    private static List<HealthCheckRegistration> Registrations(IServiceCollection services)
    {
        using var provider = services.BuildServiceProvider();
        return [.. provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations];
    }

    [Fact]
    public void AddPenguinMailsInfra_CalledTwice_RegistersTheHealthCheckOnce()
    {
        var services = new ServiceCollection()
            .AddPenguinMailsInfra(o => o.UseInMemoryStore())
            .AddPenguinMailsInfra(o => o.UseInMemoryStore());

        var registration = Assert.Single(Registrations(services));

        Assert.Equal(PenguinMailsInfraHealthChecksBuilderExtensions.DefaultName, registration.Name);
        Assert.Empty(registration.Tags);
        Assert.Equal(HealthStatus.Unhealthy, registration.FailureStatus);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddPenguinMailsInfra_AndTheHealthChecksExtension_InEitherOrder_OneCheckWithTheExtensionsNameAndTags(bool extensionFirst)
    {
        var services = new ServiceCollection();
        if (extensionFirst)
        {
            services.AddHealthChecks().AddPenguinMailsInfra("infra-db", ["ready"]);
        }

        services.AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost");
        services.AddPenguinMailsInfra(o => o.ConnectionString = "Host=localhost");
        if (!extensionFirst)
        {
            services.AddHealthChecks().AddPenguinMailsInfra("infra-db", ["ready"]);
        }

        var registration = Assert.Single(Registrations(services));

        Assert.Equal("infra-db", registration.Name);
        Assert.Equal(["ready"], registration.Tags);
    }

    [Fact]
    public void AddPenguinMailsInfra_WithOtherHealthChecks_AddsItsOwnBesideThem()
    {
        var services = new ServiceCollection();
        services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy());
        services.AddPenguinMailsInfra(o => o.UseInMemoryStore());

        Assert.Equal(["self", PenguinMailsInfraHealthChecksBuilderExtensions.DefaultName], Registrations(services).Select(r => r.Name));
    }

    [Fact]
    public async Task AddPenguinMailsInfra_ContainerWithLogging_AddsTheHealthCheckServiceWithThePackageCheck()
    {
        await using var provider = new ServiceCollection().AddLogging().AddPenguinMailsInfra(o => o.UseInMemoryStore()).BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, Assert.Single(report.Entries).Value.Status);
    }

    [Fact]
    public async Task AddPenguinMailsInfra_ContainerWithoutLogging_HostedServicesResolveAndTheCheckJoinsHealthChecksAddedLater()
    {
        var services = new ServiceCollection().AddPenguinMailsInfra(o => o.UseInMemoryStore());
        await using (var bare = services.BuildServiceProvider())
        {
            Assert.NotEmpty(bare.GetServices<IHostedService>());
            Assert.Null(bare.GetService<HealthCheckService>());
        }

        services.AddLogging().AddHealthChecks();
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(PenguinMailsInfraHealthChecksBuilderExtensions.DefaultName, Assert.Single(report.Entries).Key);
    }

    [Fact]
    public void RegisterHealthCheckFalse_InTheAction_RegistersNoHealthCheckAndNoHealthCheckService()
    {
        var services = new ServiceCollection().AddLogging().AddPenguinMailsInfra(o =>
        {
            o.UseInMemoryStore();
            o.RegisterHealthCheck = false;
        });

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(HealthCheckService));
        Assert.Empty(Registrations(services));
    }

    [Fact]
    public void RegisterHealthCheckFalse_InConfiguration_LeavesOtherHealthChecksAlone()
    {
        var services = new ServiceCollection();
        services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy());
        services.AddPenguinMailsInfra(
            Section(new() { ["PenguinMailsInfra:ConnectionString"] = "Host=localhost", ["PenguinMailsInfra:RegisterHealthCheck"] = "false" })
        );

        Assert.Equal("self", Assert.Single(Registrations(services)).Name);
    }

    [Fact]
    public async Task HealthCheckService_InMemoryHostAfterOneCall_ReportsThePackageCheckHealthy()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o => o.UseInMemoryStore());
        using var host = builder.Build();
        await host.StartAsync();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync();

        Assert.Equal(HealthStatus.Healthy, report.Entries[PenguinMailsInfraHealthChecksBuilderExtensions.DefaultName].Status);
    }

    [Fact]
    public async Task HealthCheckService_PostgresHostAfterOneCall_ReportsTheSchemaVersion()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("di_autohealth");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o =>
        {
            o.ConnectionString = connectionString;
            o.StartupMigration = MigrationMode.Migrate;
            o.CreateHostTables = true;
        });
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
