using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PenguinMails.Infrastructure.Core;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Lifecycles;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

// Walks the main flows of PenguinMails.Infrastructure.Core.
// No argument: the in-memory store. --connection "<Npgsql connection string>" (or PENGUINMAILS_CONNECTION): that
// PostgreSQL database, migrated at start with stand-ins for the host tables users, tenants and domains. Use an empty
// database: the walk-through bootstraps the first administrator, which is refused once one exists.
var connection = ArgValue(args, "--connection") ?? Environment.GetEnvironmentVariable("PENGUINMAILS_CONNECTION");
var onPostgres = !string.IsNullOrWhiteSpace(connection);

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Error);
builder.Services.AddPenguinMailsInfra(options =>
{
    if (onPostgres)
    {
        options.ConnectionString = connection;
        options.StartupMigration = MigrationMode.Migrate;
        options.CreateHostTables = true;
    }
    else
    {
        options.UseInMemoryStore();
    }
});

using var host = builder.Build();
await host.StartAsync();
var services = host.Services;
var hostRows = new HostRows(services, onPostgres ? connection : null);
Console.WriteLine(onPostgres ? "Store: PostgreSQL (schema migrated)" : "Store: in memory");

// 1. Provision a VPS and take it to active; a forbidden move and a lost race are typed errors.
Section("VPS lifecycle");
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
Console.WriteLine($"provisioned {vps.HostwindsInstanceId} in '{vps.Status.ToDatabaseValue()}'");
vps = await vpsRepository.ChangeStatusAsync(vps, VpsInstanceStatus.Active);
Console.WriteLine($"-> '{vps.Status.ToDatabaseValue()}'");
try
{
    await vpsRepository.ChangeStatusAsync(vps, VpsInstanceStatus.Provisioning);
}
catch (InvalidStatusTransitionException ex)
{
    Console.WriteLine($"refused: {ex.Message}");
}

try
{
    await vpsRepository.AddAsync(new VpsInstance { IpAddress = "999.1.1.1", HostwindsBillingDay = 40, MonthlyCost = -5m });
}
catch (EntityValidationException ex)
{
    Console.WriteLine($"refused: {ex.Message}");
}

// 2. Import its sending IPs in bulk (binary COPY on PostgreSQL), all or nothing.
Section("SMTP IPs");
var ipRepository = services.GetRequiredService<ISmtpIpAddressRepository>();
var ips = Enumerable
    .Range(1, 64)
    .Select(i => new SmtpIpAddress { VpsInstanceId = vps.Id, IpAddress = $"198.51.100.{i}", ApproximateCost = 2.50m })
    .ToList();
Console.WriteLine($"imported {await ipRepository.BulkImportAsync(ips)} IPs on {vps.HostwindsInstanceId}");

// 3. Assign an IP to a domain in one transaction, then warm the assignment up.
Section("Domain-IP assignment");
var tenant = TenantId.New();
var domain = DomainId.New();
await hostRows.AddTenantAsync(tenant);
await hostRows.AddDomainAsync(domain, tenant);
var ip = (await ipRepository.GetAsync(ips[0].Id))!;
DomainIpAssignment assignment;
await using (var uow = await services.GetRequiredService<IInfraUnitOfWorkFactory>().BeginAsync())
{
    assignment = await uow.DomainIpAssignments.AddAsync(new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id });
    ip = await uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, +1);
    ip = await uow.SmtpIpAddresses.ChangeStatusAsync(ip, SmtpIpAddressStatus.Assigned);
    await uow.CommitAsync();
}

Console.WriteLine($"{ip.IpAddress} assigned to domain {domain} (assigned_count {ip.AssignedCount}, IP '{ip.Status.ToDatabaseValue()}')");
var assignments = services.GetRequiredService<IDomainIpAssignmentRepository>();
assignment = await assignments.ChangeStatusAsync(assignment, DomainIpAssignmentStatus.Warming);
assignment = await assignments.ChangeWarmupStateAsync(assignment, WarmupState.Warming);
assignment = await assignments.ChangeWarmupStateAsync(assignment, WarmupState.Warmed);
assignment = await assignments.ChangeStatusAsync(assignment, DomainIpAssignmentStatus.Active);
Console.WriteLine($"assignment '{assignment.Status.ToDatabaseValue()}', warmup '{assignment.WarmupState.ToDatabaseValue()}'");

// 3b. IP pools: allocate by policy, rotate an expired assignment, plan and carry out a VPS decommission.
Section("IP pool allocation");
var allocator = services.GetRequiredService<IIpPoolAllocator>();
var west = await vpsRepository.ChangeStatusAsync(
    await vpsRepository.AddAsync(new VpsInstance { HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N")[..8], Region = "us-west", HostwindsBillingDay = 1 }),
    VpsInstanceStatus.Active);
var westIp = await ipRepository.AddAsync(new SmtpIpAddress { VpsInstanceId = west.Id, IpAddress = "192.0.2.20", ReputationState = ReputationState.Good });
westIp = await ipRepository.ChangeStatusAsync(westIp, SmtpIpAddressStatus.Warming);
await ipRepository.ChangeStatusAsync(westIp, SmtpIpAddressStatus.Warmed);
var shop = DomainId.New();
await hostRows.AddDomainAsync(shop, tenant);
var first = await allocator.AllocateAsync(new IpAllocationRequest(shop));
var second = await allocator.AllocateAsync(new IpAllocationRequest(shop)); // spread: another VPS instance first
foreach (var a in new[] { first, second })
{
    Console.WriteLine($"domain {shop} -> {a.Ip.IpAddress} ('{a.PreviousIpStatus.ToDatabaseValue()}' -> '{a.Ip.Status.ToDatabaseValue()}', assigned_count {a.Ip.AssignedCount})");
}

try
{
    await allocator.AllocateAsync(new IpAllocationRequest(shop) { OnlyIps = [first.Ip.Id] });
}
catch (IpPoolExhaustedException ex)
{
    Console.WriteLine($"refused ({ex.Reason}): the domain already holds that IP");
}

Section("IP rotation");
var blog = DomainId.New();
await hostRows.AddDomainAsync(blog, tenant);
var shortLived = await allocator.AllocateAsync(new IpAllocationRequest(blog) { Expires = DateTimeOffset.UtcNow.AddMilliseconds(200) });
await Task.Delay(300); // a real rotation runs on a schedule; here the assignment simply runs out
var rotation = await services.GetRequiredService<IIpRotationService>().RotateAsync();
foreach (var move in rotation.Moves)
{
    Console.WriteLine($"assignment of {move.DomainId} on {shortLived.Ip.IpAddress}: {move.Outcome}"
        + (move.Replacement is { } r ? $", replaced by {r.Ip.IpAddress} so the domain keeps an IP" : string.Empty));
}

Section("VPS decommission");
var leaving = await vpsRepository.ChangeStatusAsync(
    await vpsRepository.AddAsync(new VpsInstance { HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N")[..8], Region = "eu-central", HostwindsBillingDay = 15 }),
    VpsInstanceStatus.Active);
var leavingIp = await ipRepository.AddAsync(new SmtpIpAddress { VpsInstanceId = leaving.Id, IpAddress = "192.0.2.30" });
var news = DomainId.New();
await hostRows.AddDomainAsync(news, tenant);
await allocator.AllocateAsync(new IpAllocationRequest(news) { OnlyIps = [leavingIp.Id] });
var planner = services.GetRequiredService<IVpsDecommissionPlanner>();
leaving = await planner.ScheduleAsync(leaving.Id);
Console.WriteLine($"scheduled for {leaving.DecommissionScheduledFor:yyyy-MM-dd} (end of the billing period)");
try
{
    await planner.CompleteAsync(leaving.Id);
}
catch (VpsDecommissionBlockedException ex)
{
    Console.WriteLine($"refused: {ex.NonExpiredAssignments} assignment(s) still on its IPs");
}

var plan = await planner.PlanAsync(leaving.Id);
Console.WriteLine($"plan: {plan.PlaceableCount} of {plan.Steps.Count} assignment(s) placeable on other instances");
var applied = await planner.ApplyAsync(plan);
Console.WriteLine($"applied: {applied.MovedCount} moved; VPS now '{(await planner.CompleteAsync(leaving.Id)).Status.ToDatabaseValue()}'");

// 3c. Warmup plans, the reputation policy and the cost per tenant.
Section("IP pool policies");
var warmup = services.GetRequiredService<IWarmupService>();
var progress = await warmup.GetProgressAsync(assignment.Id);
Console.WriteLine(
    $"sample assignment (warmup '{assignment.WarmupState.ToDatabaseValue()}', plan '{progress.PlanName}'): "
        + (progress.IsComplete ? "warmup complete, no daily cap" : $"day {progress.DayNumber}, today's cap {progress.DailyCap} messages")
);
var dayThree = WarmupPlan.Default.Evaluate(assignment.Assigned, assignment.Assigned.AddDays(2.5));
Console.WriteLine(
    $"the same start on the default plan, 2.5 days in: day {dayThree.DayNumber}, cap {dayThree.DailyCap} messages "
        + $"({dayThree.Fraction:P0} of {WarmupPlan.Default.Days} days, ending at {WarmupPlan.Default.DailyCaps[^1]} a day)"
);

// A reputation check finds one IP poor and listed at Gmail: the policy recommends quarantine; apply it (compare-and-set).
var checkedAt = services.GetRequiredService<TimeProvider>().GetUtcNow();
var suspect = (await ipRepository.GetAsync(ips[1].Id))!;
await ipRepository.UpdateAsync(
    suspect with
    {
        ReputationState = ReputationState.Poor,
        ProviderBlacklistStatus = new ProviderBlacklistStatus().WithMailboxProvider(KnownMailboxProviders.Gmail, new BlacklistListing(true, checkedAt)),
        LastReputationCheck = checkedAt,
    }
);
var reputation = services.GetRequiredService<IReputationPolicyService>();
var recommendations = await reputation.RecommendAsync();
foreach (var recommendation in recommendations)
{
    Console.WriteLine(
        $"reputation policy: {recommendation.Ip.IpAddress} '{recommendation.From.ToDatabaseValue()}' -> '{recommendation.To.ToDatabaseValue()}' "
            + $"({recommendation.Reason.ToTagValue()}: {recommendation.Explanation})"
    );
}

var moves = await reputation.ApplyAsync(recommendations);
Console.WriteLine($"applied {moves.Applied.Count} move(s), {moves.LostRaces.Count} lost to a concurrent change");

foreach (var cost in await services.GetRequiredService<ITenantCostReport>().GetMonthlyCostsAsync())
{
    Console.WriteLine(
        $"tenant {(cost.TenantId is { } t ? t.ToString() : "(none)")}: {cost.AssignmentCount} assignment(s), "
            + $"IPs {cost.IpCost}, VPS {cost.VpsCost}, about {cost.Total} a month"
    );
}

// 4. Staff permissions: the first administrator, then allow and deny.
Section("Permissions");
var admin = UserId.New();
var viewer = UserId.New();
await hostRows.AddUserAsync(admin);
await hostRows.AddUserAsync(viewer);
await services.GetRequiredService<IStaffAdministration>().BootstrapAdministratorAsync(admin, new StaffRoleId(1));
var permissions = services.GetRequiredService<IPermissionChecker>();
Console.WriteLine($"administrator may manage feature flags: {await permissions.HasPermissionAsync(admin, WellKnownPermissions.FeatureFlagsManage)}");
Console.WriteLine($"viewer may manage feature flags: {await permissions.HasPermissionAsync(viewer, WellKnownPermissions.FeatureFlagsManage)} (deny by default)");

// 5. Roll a flag out to 25 % and measure the share of 10,000 users.
Section("Feature flag rollout");
var flags = services.GetRequiredService<IFeatureFlagManager>();
await flags.CreateAsync(admin, "new-dashboard", "The new dashboard", isEnabled: true, rolloutPercentage: 25);
var evaluator = services.GetRequiredService<IFeatureFlagEvaluator>();
var on = Enumerable.Range(0, 10_000).Count(_ => evaluator.IsEnabled("new-dashboard", UserId.New()));
Console.WriteLine($"'new-dashboard' at 25 %: on for {on} of 10,000 users ({on / 100.0:0.0} %)");
Console.WriteLine($"why for one user: {evaluator.Explain("new-dashboard", admin.Value)}");
try
{
    await flags.SetRolloutPercentageAsync(viewer, "new-dashboard", 100);
}
catch (PermissionDeniedException ex)
{
    Console.WriteLine($"refused: {ex.Message}");
}

// 6. A sensitive configuration value stays masked.
Section("System configuration");
var config = services.GetRequiredService<ISystemConfigService>();
var stripe = await config.SetStripeAccountIdAsync(admin, "acct_1PenguinMails42");
Console.WriteLine($"stored: {stripe}");
Console.WriteLine($"administrator reads: {await config.GetStripeAccountIdAsync(admin)}");

// 7. A tenant's password policy.
Section("Tenant policy");
var tenantSettings = services.GetRequiredService<ITenantSettings>();
var policies = await tenantSettings.SavePoliciesAsync(
    (await tenantSettings.GetPoliciesAsync(tenant)) with { PasswordMinLength = 12, PasswordRequireUppercase = true, PasswordRequireNumbers = true, PasswordRequireSymbols = true }
);
foreach (var password in new[] { "penguin", "Penguin-Mails-2026" })
{
    var unmet = TenantPolicyEvaluator.CheckPassword(policies, password);
    Console.WriteLine($"'{password}': {(unmet.Count == 0 ? "accepted" : "refused, unmet: " + string.Join(", ", unmet))}");
}

await host.StopAsync();
Console.WriteLine();
Console.WriteLine("Done.");
return 0;

static void Section(string title)
{
    Console.WriteLine();
    Console.WriteLine("== " + title);
}

static string? ArgValue(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>
/// Rows of the host platform's tables (users, tenants, domains), which this package refers to but does not own: in
/// the stand-in tables on PostgreSQL, registered ids in memory.
/// </summary>
internal sealed class HostRows(IServiceProvider services, string? connectionString)
{
    public Task AddUserAsync(UserId id) => AddAsync("INSERT INTO users (id) VALUES ($1)", id.Value, null, () => Store.AddUser(id));

    public Task AddTenantAsync(TenantId id) => AddAsync("INSERT INTO tenants (id) VALUES ($1)", id.Value, null, () => Store.AddTenant(id));

    public Task AddDomainAsync(DomainId id, TenantId tenant) =>
        AddAsync("INSERT INTO domains (id, tenant_id) VALUES ($1, $2)", id.Value, tenant.Value, () => Store.AddDomain(id, tenant));

    private InMemoryInfraStore Store => services.GetRequiredService<InMemoryInfraStore>();

    private async Task AddAsync(string sql, Guid id, Guid? second, Action inMemory)
    {
        if (connectionString is null)
        {
            inMemory();
            return;
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        if (second is { } value)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = value });
        }

        await command.ExecuteNonQueryAsync();
    }
}
