using System.Globalization;
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
// PostgreSQL database, migrated at start with stand-ins for the host tables users, tenants and domains. It can be run
// again on the same database: it adds new rows each run and reuses what exists once (the schema, the first
// administrator, the feature flag), saying so. A failure is one line on standard error and exit code 1.
var connection =
    ArgValue(args, "--connection") ?? Environment.GetEnvironmentVariable("PENGUINMAILS_CONNECTION");
var onPostgres = !string.IsNullOrWhiteSpace(connection);
try
{
    return await RunAsync(connection, onPostgres);
}
catch (Exception ex) when (ex is PenguinMailsException or NpgsqlException)
{
    // A wrong password, an unreachable server, missing host tables: the message says which, in one line, without secrets.
    Console.Error.WriteLine("sample: " + ex.Message.ReplaceLineEndings(" "));
    return 1;
}

static async Task<int> RunAsync(string? connection, bool onPostgres)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.None);
    if (onPostgres)
    {
        builder.Services.AddPenguinMailsInfra(options =>
            {
                options.StartupMigration = MigrationMode.Migrate;
                options.CreateHostTables = true;
            })
            .UseNpgsql(connection!);
    }
    else
    {
        builder.Services.AddPenguinMailsInfra().UseInMemoryStore();
    }

    using var host = builder.Build();
    var startedAt = DateTimeOffset.UtcNow;
    await host.StartAsync();
    var services = host.Services;
    var hostRows = new HostRows(services, onPostgres ? connection : null);
    var names = new Names();
    var reused = new List<string>();
    if (onPostgres)
    {
        var target = new NpgsqlConnectionStringBuilder(connection);
        var status = await services.GetRequiredService<PostgresMigrator>().GetStatusAsync();
        var appliedNow = status.Applied.Count(a => a.AppliedAt >= startedAt.AddSeconds(-1));
        Console.WriteLine(
            $"Store: PostgreSQL {target.Host}:{target.Port}/{target.Database}, schema {status.Schema} at version {status.CurrentVersion}"
                + (
                    appliedNow > 0
                        ? $" ({appliedNow} version(s) applied now)"
                        : " (already up to date)"
                )
        );
        if (appliedNow == 0)
        {
            reused.Add("the migrated schema");
        }
    }
    else
    {
        Console.WriteLine("Store: in memory");
    }

    var tenant = TenantId.New();
    names.Tenant(tenant, "acme");
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
    var provisioned = vps.Status;
    vps = await vpsRepository.ChangeStatusAsync(vps, VpsInstanceStatus.Active);
    Console.WriteLine(
        $"{vps.HostwindsInstanceId} in {vps.Region}: {provisioned.ToDatabaseValue()} -> {vps.Status.ToDatabaseValue()}, {Money(vps.MonthlyCost)} a month"
    );
    try
    {
        await vpsRepository.ChangeStatusAsync(vps, VpsInstanceStatus.Provisioning);
    }
    catch (InvalidStatusTransitionException ex)
    {
        Console.WriteLine(
            $"refused: {vps.HostwindsInstanceId} cannot go from {ex.From} to {ex.To} (allowed: {string.Join(", ", ex.AllowedTargets)})"
        );
    }

    try
    {
        await vpsRepository.AddAsync(
            new VpsInstance
            {
                IpAddress = "999.1.1.1",
                HostwindsBillingDay = 40,
                MonthlyCost = -5m,
            }
        );
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
        .Select(i => new SmtpIpAddress
        {
            VpsInstanceId = vps.Id,
            IpAddress = $"198.51.100.{i}",
            ApproximateCost = 2.50m,
        })
        .ToList();
    Console.WriteLine(
        $"imported {await ipRepository.BulkImportAsync(ips)} IPs ({ips[0].IpAddress} to {ips[^1].IpAddress}) on {vps.HostwindsInstanceId}, {Money(ips[0].ApproximateCost)} each"
    );

    // 3. Assign an IP to a domain in one transaction, then warm the assignment up.
    Section("Domain-IP assignment");
    var domain = DomainId.New();
    names.Domain(domain, "mail.acme.example");
    await hostRows.AddTenantAsync(tenant);
    await hostRows.AddDomainAsync(domain, tenant);
    var ip = (await ipRepository.GetAsync(ips[0].Id))!;
    DomainIpAssignment assignment;
    await using (
        var uow = await services.GetRequiredService<IInfraUnitOfWorkFactory>().BeginAsync()
    )
    {
        assignment = await uow.DomainIpAssignments.AddAsync(
            new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id }
        );
        ip = await uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, +1);
        ip = await uow.SmtpIpAddresses.ChangeStatusAsync(ip, SmtpIpAddressStatus.Assigned);
        await uow.CommitAsync();
    }

    Console.WriteLine(
        $"{ip.IpAddress} -> {names.Of(domain)} (IP {ip.Status.ToDatabaseValue()}, {ip.AssignedCount} assignment)"
    );
    var assignments = services.GetRequiredService<IDomainIpAssignmentRepository>();
    assignment = await assignments.ChangeStatusAsync(assignment, DomainIpAssignmentStatus.Warming);
    assignment = await assignments.ChangeWarmupStateAsync(assignment, WarmupState.Warming);
    assignment = await assignments.ChangeWarmupStateAsync(assignment, WarmupState.Warmed);
    assignment = await assignments.ChangeStatusAsync(assignment, DomainIpAssignmentStatus.Active);
    Console.WriteLine(
        $"assignment {assignment.Status.ToDatabaseValue()}, warmup {assignment.WarmupState.ToDatabaseValue()}"
    );

    // 3b. IP pools: allocate by policy, rotate an expired assignment, plan and carry out a VPS decommission.
    Section("IP pool allocation");
    var allocator = services.GetRequiredService<IIpPoolAllocator>();
    var west = await vpsRepository.ChangeStatusAsync(
        await vpsRepository.AddAsync(
            new VpsInstance
            {
                HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N")[..8],
                Region = "us-west",
                HostwindsBillingDay = 1,
            }
        ),
        VpsInstanceStatus.Active
    );
    var westIp = await ipRepository.AddAsync(
        new SmtpIpAddress
        {
            VpsInstanceId = west.Id,
            IpAddress = "192.0.2.20",
            ReputationState = ReputationState.Good,
        }
    );
    westIp = await ipRepository.ChangeStatusAsync(westIp, SmtpIpAddressStatus.Warming);
    await ipRepository.ChangeStatusAsync(westIp, SmtpIpAddressStatus.Warmed);
    var shop = DomainId.New();
    names.Domain(shop, "shop.acme.example");
    await hostRows.AddDomainAsync(shop, tenant);
    var first = await allocator.AllocateAsync(new IpAllocationRequest(shop));
    var second = await allocator.AllocateAsync(new IpAllocationRequest(shop)); // spread: another VPS instance first
    Table(
        ["domain", "IP", "IP status", "assignments"],
        [
            .. new[] { first, second }.Select(a =>
                new[]
                {
                    names.Of(shop),
                    a.Ip.IpAddress,
                    $"{a.PreviousIpStatus.ToDatabaseValue()} -> {a.Ip.Status.ToDatabaseValue()}",
                    a.Ip.AssignedCount.ToString(CultureInfo.InvariantCulture),
                }
            ),
        ],
        rightAligned: 3
    );

    try
    {
        await allocator.AllocateAsync(new IpAllocationRequest(shop) { OnlyIps = [first.Ip.Id] });
    }
    catch (IpPoolExhaustedException ex)
    {
        Console.WriteLine(
            $"refused ({ex.Reason}): {names.Of(shop)} already holds {first.Ip.IpAddress}"
        );
    }

    Section("IP rotation");
    var blog = DomainId.New();
    names.Domain(blog, "blog.acme.example");
    await hostRows.AddDomainAsync(blog, tenant);
    var shortLived = await allocator.AllocateAsync(
        new IpAllocationRequest(blog) { Expires = DateTimeOffset.UtcNow.AddMilliseconds(200) }
    );
    await Task.Delay(300); // a real rotation runs on a schedule; here the assignment simply runs out
    var rotation = await services.GetRequiredService<IIpRotationService>().RotateAsync();
    foreach (var move in rotation.Moves.Where(m => m.DomainId == blog))
    {
        Console.WriteLine(
            $"{names.Of(blog)} on {shortLived.Ip.IpAddress}: expired"
                + (
                    move.Replacement is { } r
                        ? $", replaced by {r.Ip.IpAddress} so the domain keeps an IP"
                        : $" ({move.Outcome})"
                )
        );
    }

    if (rotation.Moves.Count(m => m.DomainId != blog) is > 0 and var older)
    {
        Console.WriteLine($"and {older} expired assignment(s) of earlier runs");
    }

    Section("VPS decommission");
    var leaving = await vpsRepository.ChangeStatusAsync(
        await vpsRepository.AddAsync(
            new VpsInstance
            {
                HostwindsInstanceId = "hw-" + Guid.NewGuid().ToString("N")[..8],
                Region = "eu-central",
                HostwindsBillingDay = 15,
            }
        ),
        VpsInstanceStatus.Active
    );
    var leavingIp = await ipRepository.AddAsync(
        new SmtpIpAddress { VpsInstanceId = leaving.Id, IpAddress = "192.0.2.30" }
    );
    var news = DomainId.New();
    names.Domain(news, "news.acme.example");
    await hostRows.AddDomainAsync(news, tenant);
    await allocator.AllocateAsync(new IpAllocationRequest(news) { OnlyIps = [leavingIp.Id] });
    var planner = services.GetRequiredService<IVpsDecommissionPlanner>();
    leaving = await planner.ScheduleAsync(leaving.Id);
    Console.WriteLine(
        $"{leaving.HostwindsInstanceId} in {leaving.Region}: decommission scheduled for {leaving.DecommissionScheduledFor:yyyy-MM-dd} (end of the billing period)"
    );
    try
    {
        await planner.CompleteAsync(leaving.Id);
    }
    catch (VpsDecommissionBlockedException ex)
    {
        Console.WriteLine(
            $"refused to complete now: {ex.NonExpiredAssignments} assignment(s) still on its IPs"
        );
    }

    var plan = await planner.PlanAsync(leaving.Id);
    Console.WriteLine(
        $"plan: {plan.PlaceableCount} of {plan.Steps.Count} assignment(s) can move to other instances"
    );
    var applied = await planner.ApplyAsync(plan);
    Console.WriteLine(
        $"applied: {applied.MovedCount} moved; {leaving.HostwindsInstanceId} is now {(await planner.CompleteAsync(leaving.Id)).Status.ToDatabaseValue()}"
    );

    // 3c. Warmup plans, the reputation policy and the cost per tenant.
    Section("IP pool policies");
    var warmup = services.GetRequiredService<IWarmupService>();
    var progress = await warmup.GetProgressAsync(assignment.Id);
    Console.WriteLine(
        $"{names.Of(domain)} on {ip.IpAddress} (plan {progress.PlanName}): "
            + (
                progress.IsComplete
                    ? "warmup complete, no daily cap"
                    : $"day {progress.DayNumber}, cap {progress.DailyCap:N0} messages today"
            )
    );
    var dayThree = WarmupPlan.Default.Evaluate(
        assignment.Assigned,
        assignment.Assigned.AddDays(2.5)
    );
    Console.WriteLine(
        $"a new IP on the default plan, 2.5 days in: day {dayThree.DayNumber} of {WarmupPlan.Default.Days}, cap {dayThree.DailyCap:N0} messages today "
            + $"(the plan ends at {WarmupPlan.Default.DailyCaps[^1]:N0} a day)"
    );

    // A reputation check finds one IP poor and listed at Gmail: the policy recommends quarantine; apply it (compare-and-set).
    var checkedAt = services.GetRequiredService<TimeProvider>().GetUtcNow();
    var suspect = (await ipRepository.GetAsync(ips[1].Id))!;
    await ipRepository.UpdateAsync(
        suspect with
        {
            ReputationState = ReputationState.Poor,
            ProviderBlacklistStatus = new ProviderBlacklistStatus().WithMailboxProvider(
                KnownMailboxProviders.Gmail,
                new BlacklistListing(true, checkedAt)
            ),
            LastReputationCheck = checkedAt,
        }
    );
    var reputation = services.GetRequiredService<IReputationPolicyService>();
    var recommendations = await reputation.RecommendAsync();
    foreach (var recommendation in recommendations.Where(r => r.Ip.Id == suspect.Id))
    {
        Console.WriteLine(
            $"reputation: {recommendation.Ip.IpAddress} {recommendation.From.ToDatabaseValue()} -> {recommendation.To.ToDatabaseValue()} "
                + $"({recommendation.Reason.ToTagValue()}: {recommendation.Explanation})"
        );
    }

    var moves = await reputation.ApplyAsync(recommendations);
    Console.WriteLine(
        $"applied {moves.Applied.Count} move(s), {moves.LostRaces.Count} lost to a concurrent change"
    );

    Console.WriteLine();
    var costs = await services.GetRequiredService<ITenantCostReport>().GetMonthlyCostsAsync();
    Table(
        ["tenant", "assignments", "IPs", "VPS", "total a month"],
        [
            .. costs
                .Where(c => c.TenantId == tenant)
                .Select(c =>
                    new[]
                    {
                        names.Of(tenant),
                        c.AssignmentCount.ToString(CultureInfo.InvariantCulture),
                        Money(c.IpCost),
                        Money(c.VpsCost),
                        Money(c.Total),
                    }
                ),
        ],
        rightAligned: 1
    );
    if (costs.Count(c => c.TenantId != tenant) is > 0 and var otherTenants)
    {
        Console.WriteLine(
            $"and {otherTenants} other tenant(s) of earlier runs or without a domain"
        );
    }

    // 4. Staff permissions: the first administrator, then allow and deny.
    Section("Permissions");
    var staff = services.GetRequiredService<IStaffMemberRepository>();
    var administratorRole = new StaffRoleId(1);
    var viewer = UserId.New();
    await hostRows.AddUserAsync(viewer);
    UserId admin;
    if (
        (await staff.ListAsync(new StaffMemberFilter(administratorRole))).Items
        is [var existing, ..]
    )
    {
        // The first administrator can be bootstrapped once per database; a later run uses it.
        admin = existing.UserId;
        reused.Add("the first administrator");
        Console.WriteLine("first administrator: reused from an earlier run");
    }
    else
    {
        admin = UserId.New();
        await hostRows.AddUserAsync(admin);
        await services
            .GetRequiredService<IStaffAdministration>()
            .BootstrapAdministratorAsync(admin, administratorRole);
        Console.WriteLine("first administrator: bootstrapped");
    }

    var permissions = services.GetRequiredService<IPermissionChecker>();
    Table(
        ["user", "may manage feature flags"],
        [
            [
                "administrator",
                Yes(
                    await permissions.HasPermissionAsync(
                        admin,
                        WellKnownPermissions.FeatureFlagsManage
                    )
                ),
            ],
            [
                "viewer (no role)",
                Yes(
                    await permissions.HasPermissionAsync(
                        viewer,
                        WellKnownPermissions.FeatureFlagsManage
                    )
                ) + " (deny by default)",
            ],
        ]
    );

    // 5. Roll a flag out to 25 % and measure the share of 10,000 users.
    Section("Feature flag rollout");
    var flags = services.GetRequiredService<IFeatureFlagManager>();
    if (
        await services.GetRequiredService<IFeatureFlagRepository>().GetByKeyAsync("new-dashboard")
        is null
    )
    {
        await flags.CreateAsync(
            admin,
            "new-dashboard",
            "The new dashboard",
            isEnabled: true,
            rolloutPercentage: 25
        );
    }
    else
    {
        await flags.EnableAsync(admin, "new-dashboard");
        await flags.SetRolloutPercentageAsync(admin, "new-dashboard", 25);
        reused.Add("the flag 'new-dashboard'");
        Console.WriteLine("flag 'new-dashboard': reused from an earlier run, set to 25 %");
    }

    var evaluator = services.GetRequiredService<IFeatureFlagEvaluator>();
    var on = Enumerable
        .Range(0, 10_000)
        .Count(_ => evaluator.IsEnabled("new-dashboard", UserId.New()));
    Console.WriteLine($"'new-dashboard' at 25 %: on for {on} of 10,000 users ({on / 100.0:0.0} %)");
    Console.WriteLine(
        $"why for the administrator: {evaluator.Explain("new-dashboard", admin.Value)}"
    );
    try
    {
        await flags.SetRolloutPercentageAsync(viewer, "new-dashboard", 100);
    }
    catch (PermissionDeniedException ex)
    {
        Console.WriteLine(
            $"the viewer may not change it: refused, no '{ex.Permission}' permission"
        );
    }

    // 6. A sensitive configuration value stays masked.
    Section("System configuration");
    var config = services.GetRequiredService<ISystemConfigService>();
    var stripe = await config.SetStripeAccountIdAsync(admin, "acct_1PenguinMails42");
    Console.WriteLine(
        $"stored {stripe.Key} ({(stripe.IsSensitive ? $"sensitive: logs and ToString show {SystemConfigEntry.MaskedValue}" : "not sensitive")})"
    );
    Console.WriteLine($"the administrator reads: {await config.GetStripeAccountIdAsync(admin)}");

    // 7. A tenant's password policy.
    Section("Tenant policy");
    var tenantSettings = services.GetRequiredService<ITenantSettings>();
    var policies = await tenantSettings.SavePoliciesAsync(
        (await tenantSettings.GetPoliciesAsync(tenant)) with
        {
            PasswordMinLength = 12,
            PasswordRequireUppercase = true,
            PasswordRequireNumbers = true,
            PasswordRequireSymbols = true,
        }
    );
    foreach (var password in new[] { "penguin", "Penguin-Mails-2026" })
    {
        var unmet = TenantPolicyEvaluator.CheckPassword(policies, password);
        Console.WriteLine(
            $"{"'" + password + "'", -22} {(unmet.Count == 0 ? "accepted" : "refused: " + string.Join(", ", unmet))}"
        );
    }

    await host.StopAsync();
    Console.WriteLine();
    Console.WriteLine(
        reused.Count == 0
            ? "Done."
            : $"Done. Reused from an earlier run: {string.Join(", ", reused)}."
    );
    return 0;
}

static string Money(decimal? amount) =>
    amount is { } a ? a.ToString("#,##0.00", CultureInfo.InvariantCulture) + " USD" : "-";

static string Yes(bool value) => value ? "yes" : "no";

// Columns padded to their widest cell; the columns from rightAligned on are numbers or money, aligned right.
static void Table(string[] headers, string[][] rows, int rightAligned = int.MaxValue)
{
    var widths = headers
        .Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max())
        .ToArray();
    string Line(string[] cells) =>
        string.Join(
                "  ",
                cells.Select(
                    (c, i) => i >= rightAligned ? c.PadLeft(widths[i]) : c.PadRight(widths[i])
                )
            )
            .TrimEnd();
    Console.WriteLine(Line(headers));
    foreach (var row in rows)
    {
        Console.WriteLine(Line(row));
    }
}

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

/// <summary>The names the sample gives the tenants and domains it creates (the host tables hold only ids).</summary>
internal sealed class Names
{
    private readonly Dictionary<Guid, string> _names = [];

    public void Tenant(TenantId id, string name) => _names[id.Value] = name;

    public void Domain(DomainId id, string name) => _names[id.Value] = name;

    public string Of(TenantId id) =>
        _names.GetValueOrDefault(id.Value) ?? "tenant " + id.Value.ToString("N")[..8];

    public string Of(DomainId id) =>
        _names.GetValueOrDefault(id.Value) ?? "domain " + id.Value.ToString("N")[..8];
}

/// <summary>
/// Rows of the host platform's tables (users, tenants, domains), which this package refers to but does not own: in
/// the stand-in tables on PostgreSQL, registered ids in memory.
/// </summary>
internal sealed class HostRows(IServiceProvider services, string? connectionString)
{
    public Task AddUserAsync(UserId id) =>
        AddAsync("INSERT INTO users (id) VALUES ($1)", id.Value, null, () => Store.AddUser(id));

    public Task AddTenantAsync(TenantId id) =>
        AddAsync("INSERT INTO tenants (id) VALUES ($1)", id.Value, null, () => Store.AddTenant(id));

    public Task AddDomainAsync(DomainId id, TenantId tenant) =>
        AddAsync(
            "INSERT INTO domains (id, tenant_id) VALUES ($1, $2)",
            id.Value,
            tenant.Value,
            () => Store.AddDomain(id, tenant)
        );

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
