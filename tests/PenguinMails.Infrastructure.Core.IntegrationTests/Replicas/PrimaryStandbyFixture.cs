using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Replicas;

/// <summary>One primary and streaming standby shared by the tests of a class (each test works in its own schema).</summary>
public sealed class PrimaryStandbyFixture : IAsyncLifetime
{
    private PrimaryStandbyPair? _pair;

    /// <summary>The running pair.</summary>
    public PrimaryStandbyPair Pair => _pair ?? throw new InvalidOperationException("The pair did not start.");

    /// <inheritdoc />
    public async Task InitializeAsync() => _pair = await PrimaryStandbyPair.StartNewAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_pair is not null)
        {
            await _pair.DisposeAsync();
        }
    }
}

/// <summary>Builds and starts hosts registered with the standby listed first.</summary>
internal static class ReplicaHosts
{
    /// <summary>
    /// A started host over <paramref name="connectionString"/>, schema <paramref name="schema"/>, migrating at start with
    /// the host-table stand-ins, allocation allowed on any VPS status.
    /// </summary>
    public static async Task<IHost> StartAsync(
        string connectionString,
        string schema,
        MigrationMode mode = MigrationMode.Migrate,
        Action<PenguinMailsInfraOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<PenguinMailsInfraBuilder>? infra = null)
    {
        var builder = Host.CreateApplicationBuilder();
        var registration = builder.Services.AddPenguinMailsInfra(o =>
        {
            o.ConnectionString = connectionString;
            o.Schema = schema;
            o.StartupMigration = mode;
            o.CreateHostTables = true;
            o.IpAllocation.RequireActiveVps = false;
            configure?.Invoke(o);
        });
        registration.AddHealthCheck();
        infra?.Invoke(registration);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>Runs one statement on one server alone (test text, constant or from validated names).</summary>
    public static async Task ExecuteAsync(string connectionString, string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100 // Test-owned text.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms; false when <paramref name="timeout"/> passed first.</summary>
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}
