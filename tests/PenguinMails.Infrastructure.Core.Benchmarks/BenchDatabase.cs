using System.Globalization;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// The seeded database every benchmark reads: a throwaway PostgreSQL from the test kit (or
/// <c>PENGUINMAILS_TEST_CONNECTION</c>), migrated by <see cref="PostgresMigrator"/> with host stand-ins, and
/// <see cref="VpsCount"/> VPS instances with <see cref="IpsPerVps"/> IPs each, imported through the library's bulk import.
/// </summary>
/// <remarks>
/// The host process seeds once and publishes the connection string in <see cref="ConnectionVariable"/>, so a child
/// process (out-of-process toolchain) reuses the same database instead of seeding its own.
/// </remarks>
public static class BenchDatabase
{
    public const string ConnectionVariable = "PENGUINMAILS_BENCH_CONNECTION";
    public const int VpsCount = 200;
    public const int IpsPerVps = 100;

    /// <summary>The seeded database's connection string (no data-source settings in it).</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable)
        ?? throw new InvalidOperationException($"{ConnectionVariable} is not set: run the benchmarks through Program (it seeds the database first).");

    /// <summary>Creates, migrates and seeds the database, unless <see cref="ConnectionVariable"/> already names one.</summary>
    public static async Task EnsureSeededAsync()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ConnectionVariable)))
        {
            return;
        }

        var cs = await PostgresServer.CreateDatabaseAsync("bench");
        await using (var ds = NpgsqlDataSource.Create(cs))
        {
            await new PostgresMigrator(ds, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
            var vpsRepository = new NpgsqlVpsInstanceRepository(ds);
            var ipRepository = new NpgsqlSmtpIpAddressRepository(ds);
            var ips = new List<SmtpIpAddress>(VpsCount * IpsPerVps);
            for (var v = 0; v < VpsCount; v++)
            {
                var vps = await vpsRepository.AddAsync(new VpsInstance
                {
                    HostwindsInstanceId = "hw-bench-" + v.ToString(CultureInfo.InvariantCulture),
                    IpAddress = string.Create(CultureInfo.InvariantCulture, $"198.51.{v / 250}.{v % 250}"),
                    Region = v % 2 == 0 ? "us-east" : "eu-west",
                    MonthlyCost = 40m,
                    ApproximateCost = 10m,
                    HostwindsBillingDay = 1 + (v % 28),
                });
                for (var i = 0; i < IpsPerVps; i++)
                {
                    ips.Add(new SmtpIpAddress
                    {
                        VpsInstanceId = vps.Id,
                        IpAddress = string.Create(CultureInfo.InvariantCulture, $"10.{v % 256}.{i}.{(v / 256) + 1}"),
                        ReputationState = (ReputationState)(1 + (i % 4)),
                        ApproximateCost = 2.50m,
                        LastReputationCheck = DateTimeOffset.UtcNow.AddHours(-i),
                        AssignedCount = 0,
                    });
                }
            }

            await ipRepository.BulkImportAsync(ips);
            await using var analyze = ds.CreateCommand("VACUUM ANALYZE");
            await analyze.ExecuteNonQueryAsync();
        }

        Environment.SetEnvironmentVariable(ConnectionVariable, cs);
    }

    /// <summary>A data source on the seeded database with the given settings.</summary>
    public static NpgsqlDataSource Create(int maxAutoPrepare, bool noResetOnClose) =>
        new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(ConnectionString)
        {
            MaxAutoPrepare = maxAutoPrepare,
            NoResetOnClose = noResetOnClose,
            ApplicationName = "penguinmails-bench",
        }.ConnectionString).Build();

    /// <summary>The floor's settings, which are also the package's own data-source settings (InfraDataSource).</summary>
    public static NpgsqlDataSource CreateTuned() => Create(32, true);

    /// <summary>Every IP id and its VPS id, in a fixed order.</summary>
    public static async Task<(Guid Id, Guid Vps)[]> LoadIdsAsync(NpgsqlDataSource ds)
    {
        var ids = new List<(Guid, Guid)>(VpsCount * IpsPerVps);
        await using var cmd = ds.CreateCommand("SELECT id, vps_instance_id FROM smtp_ip_addresses WHERE vps_instance_id IS NOT NULL ORDER BY ip_address");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            ids.Add((r.GetGuid(0), r.GetGuid(1)));
        }

        // A fixed shuffle, so consecutive gets do not walk the index in order.
        var array = ids.ToArray();
        new Random(42).Shuffle(array);
        return array;
    }
}
