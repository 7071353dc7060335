using PenguinMails.Infrastructure.Core;
using PenguinMails.Infrastructure.Core.Lifecycles;
using PenguinMails.Infrastructure.Core.Vps;

// Walks the main flows of PenguinMails.Infrastructure.Core. Runs on the in-memory store by default.
var clock = TimeProvider.System;

Console.WriteLine("== VPS lifecycle");
var vps = new VpsInstance
{
    HostwindsInstanceId = "hw-1001",
    IpAddress = "203.0.113.10",
    Region = "us-east",
    MonthlyCost = 40.00m,
    HostwindsBillingDay = 15,
};
EntityValidation.EnsureValid(vps);
Console.WriteLine($"provisioned {vps.Id} in {vps.Status.ToDatabaseValue()}");
vps = VpsInstanceLifecycle.Apply(vps, VpsInstanceStatus.Active, clock.GetUtcNow());
Console.WriteLine($"-> {vps.Status.ToDatabaseValue()}");
vps = VpsInstanceLifecycle.Apply(vps, VpsInstanceStatus.ScheduledDecommission, clock.GetUtcNow());
Console.WriteLine($"-> {vps.Status.ToDatabaseValue()} at {vps.DecommissionScheduledFor:O} (end of the billing period)");

try
{
    VpsInstanceLifecycle.Apply(vps with { Status = VpsInstanceStatus.Decommissioned }, VpsInstanceStatus.Active, clock.GetUtcNow());
}
catch (InvalidStatusTransitionException ex)
{
    Console.WriteLine($"refused: {ex.Message}");
}

try
{
    EntityValidation.EnsureValid(vps with { IpAddress = "999.1.1.1", HostwindsBillingDay = 40 });
}
catch (EntityValidationException ex)
{
    Console.WriteLine($"refused: {ex.Message}");
}
