using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PenguinMails.Infrastructure.Core;
using PenguinMails.Infrastructure.Core.Lifecycles;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

// Walks the main flows of PenguinMails.Infrastructure.Core.
// No argument: the in-memory store. --connection "<Npgsql connection string>" (or PENGUINMAILS_CONNECTION): that
// PostgreSQL database, migrated at start with stand-ins for the host tables.
var connection = ArgValue(args, "--connection") ?? Environment.GetEnvironmentVariable("PENGUINMAILS_CONNECTION");

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddPenguinMailsInfra(options =>
{
    if (string.IsNullOrWhiteSpace(connection))
    {
        options.UseInMemoryStore();
    }
    else
    {
        options.ConnectionString = connection;
        options.StartupMigration = MigrationMode.Migrate;
        options.CreateHostTables = true;
    }
});

using var host = builder.Build();
await host.StartAsync();
var services = host.Services;
Console.WriteLine(string.IsNullOrWhiteSpace(connection) ? "Store: in memory" : "Store: PostgreSQL (schema migrated)");

// 1. Provision a VPS and take it to active.
Console.WriteLine();
Console.WriteLine("== VPS lifecycle");
var vpsRepository = services.GetRequiredService<IVpsInstanceRepository>();
var vps = await vpsRepository.AddAsync(
    new VpsInstance
    {
        HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N")[..8],
        IpAddress = "203.0.113.10",
        Region = "us-east",
        MonthlyCost = 40.00m,
        ApproximateCost = 10.00m,
        HostwindsBillingDay = 15,
    }
);
Console.WriteLine($"provisioned {vps.HostwindsInstanceId} ({vps.Id}) in '{vps.Status.ToDatabaseValue()}'");
vps = await vpsRepository.ChangeStatusAsync(vps, VpsInstanceStatus.Active);
Console.WriteLine($"-> '{vps.Status.ToDatabaseValue()}'");

// 2. A lifecycle the table forbids, and a racing caller.
try
{
    await vpsRepository.ChangeStatusAsync(vps, VpsInstanceStatus.Provisioning);
}
catch (InvalidStatusTransitionException ex)
{
    Console.WriteLine($"refused: {ex.Message}");
}

var stale = vps;
vps = await vpsRepository.ChangeStatusAsync(vps, VpsInstanceStatus.ScheduledDecommission);
Console.WriteLine($"-> '{vps.Status.ToDatabaseValue()}', decommission at {vps.DecommissionScheduledFor:yyyy-MM-dd} (end of the billing period)");
try
{
    await vpsRepository.ChangeStatusAsync(stale, VpsInstanceStatus.ScheduledDecommission);
}
catch (ConcurrencyConflictException ex)
{
    Console.WriteLine($"second caller lost the race: {ex.Message}");
}

// 3. Bad input is refused before the database, listing every field.
try
{
    await vpsRepository.AddAsync(new VpsInstance { IpAddress = "999.1.1.1", HostwindsBillingDay = 40, MonthlyCost = -5m });
}
catch (EntityValidationException ex)
{
    Console.WriteLine($"refused: {ex.Message}");
}

// 4. Several operations in one transaction.
Console.WriteLine();
Console.WriteLine("== Unit of work");
var factory = services.GetRequiredService<IInfraUnitOfWorkFactory>();
await using (var uow = await factory.BeginAsync())
{
    await uow.VpsInstances.AddAsync(new VpsInstance { Region = "eu-west" });
    await uow.RollbackAsync();
}

Console.WriteLine($"rolled back: {await vpsRepository.CountAsync(new VpsInstanceFilter(Region: "eu-west"))} eu-west instances");

await host.StopAsync();
Console.WriteLine();
Console.WriteLine("Done.");
return 0;

static string? ArgValue(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
