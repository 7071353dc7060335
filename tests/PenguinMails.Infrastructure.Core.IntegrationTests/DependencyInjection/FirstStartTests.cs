using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.DependencyInjection;

/// <summary>
/// The first start of an application on an empty or unreachable database: one <see cref="MigrationException"/> whose
/// single-line message names the option to set in the caller's own API, never a raw Npgsql exception or a password.
/// </summary>
public sealed class FirstStartTests
{
    [PostgresFact]
    public async Task Host_MigrateOnEmptyDatabaseWithoutHostTables_OneLineNamingTheCallersOption()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("first_start");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o =>
        {
            o.ConnectionString = connectionString;
            o.StartupMigration = MigrationMode.Migrate;
        });
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<MigrationException>(() => host.StartAsync());

        Assert.Equal(MigrationFailure.HostTablesMissing, ex.Failure);
        Assert.Equal(["users", "tenants", "domains"], ex.MissingHostTables);
        Assert.Contains("o.CreateHostTables = true", ex.Message, StringComparison.Ordinal);
        Assert.Contains(
            "PenguinMailsInfra:CreateHostTables = true",
            ex.Message,
            StringComparison.Ordinal
        );
        Assert.DoesNotContain("MigratorOptions", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--create-host-tables", ex.Message, StringComparison.Ordinal);
        Assert.Single(ex.Message.Split('\n'));
    }

    [PostgresFact]
    public async Task Host_ConfigurationKeyNamedByTheMessage_StartsOnTheEmptyDatabase()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("first_start_cfg");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["PenguinMailsInfra:ConnectionString"] = connectionString,
                ["PenguinMailsInfra:StartupMigration"] = "Migrate",
                ["PenguinMailsInfra:CreateHostTables"] = "true",
            }
        );
        builder.Services.AddPenguinMailsInfra(
            builder.Configuration.GetSection(PenguinMailsInfraOptions.SectionName)
        );
        using var host = builder.Build();

        await host.StartAsync();
        var stored = await host
            .Services.GetRequiredService<IVpsInstanceRepository>()
            .AddAsync(new VpsInstance { Region = "eu" });
        await host.StopAsync();

        Assert.Equal("eu", stored.Region);
    }

    [PostgresFact]
    public async Task Host_VerifyOnlyOnEmptyDatabase_NamesTheStartupMigrationOption()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("first_start_verify");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o => o.ConnectionString = connectionString);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<MigrationException>(() => host.StartAsync());

        Assert.Equal(MigrationFailure.PendingMigrations, ex.Failure);
        Assert.Equal(SchemaMigrations.LatestVersion, ex.PendingVersions.Count);
        Assert.Contains(
            "o.StartupMigration = MigrationMode.Migrate",
            ex.Message,
            StringComparison.Ordinal
        );
        Assert.Contains(
            "PenguinMailsInfra:StartupMigration = Migrate",
            ex.Message,
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task Host_UnreachableServer_ConnectionFailedNamingHostAndPortNotThePassword()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o =>
        {
            o.ConnectionString =
                $"Host=127.0.0.1;Port={port};Database=app;Username=app;Password=start-Secret-77c2;Timeout=3";
            o.StartupMigration = MigrationMode.Migrate;
        });
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<MigrationException>(() => host.StartAsync());

        Assert.Equal(MigrationFailure.ConnectionFailed, ex.Failure);
        Assert.Contains(
            $"127.0.0.1:{port} (database 'app', user 'app')",
            ex.Message,
            StringComparison.Ordinal
        );
        Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PenguinMailsInfra:ConnectionString", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("start-Secret-77c2", ex.ToString(), StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(ex.InnerException);
    }

    [PostgresFact]
    public async Task Host_UnknownRole_ConnectionFailedSayingAuthenticationFailed()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(
            await PostgresServer.CreateDatabaseAsync("first_start_auth")
        )
        {
            Username = "no_such_role",
            Password = "start-Secret-4b1d",
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddPenguinMailsInfra(o =>
            o.ConnectionString = connectionString.ConnectionString
        );
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<MigrationException>(() => host.StartAsync());

        Assert.Equal(MigrationFailure.ConnectionFailed, ex.Failure);
        Assert.Contains("user 'no_such_role'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("authentication failed", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("start-Secret-4b1d", ex.ToString(), StringComparison.Ordinal);
    }
}
