using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.InMemoryStore;

/// <summary>
/// The examples of docs/unit-testing.md, compiled and run here: each example is the code between an
/// <c>// example: NAME</c> and an <c>// end example</c> line below, and the page must show exactly that code in a
/// <c>csharp</c> block after an <c>&lt;!-- example: NAME --&gt;</c> comment (checked by the last test). The
/// contract-suite example, below this class, is a test class of its own: the published VPS instance contract run on a
/// store written the way the page tells an implementer to write one.
/// </summary>
public sealed partial class UnitTestingDocExamples
{
    [Fact]
    public async Task Seeding_OneVpsIpStaffMemberAndFlag_InFiveStatements()
    {
        // example: seeding
        var store = new InMemoryInfraStore(new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)));
        var vps = store.Seed.Vps(VpsInstanceStatus.Active);
        var ip = store.Seed.SmtpIp(vps, SmtpIpAddressStatus.Warmed);
        var admin = store.Seed.StaffMember(WellKnownPermissions.FeatureFlagsManage);
        var flag = store.Seed.FeatureFlag("new-editor", rolloutPercentage: 100);
        // end example

        Assert.Equal(VpsInstanceStatus.Active, (await new InMemoryVpsInstanceRepository(store).GetAsync(vps.Id))!.Status);
        Assert.Equal(SmtpIpAddressStatus.Warmed, (await new InMemorySmtpIpAddressRepository(store).GetAsync(ip.Id))!.Status);
        Assert.Equal(vps.Id, ip.VpsInstanceId);
        Assert.Contains(WellKnownPermissions.FeatureFlagsManage, await new InMemoryStaffMemberRepository(store).GetPermissionNamesAsync(admin.UserId));
        Assert.Equal(100, flag.RolloutPercentage);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), vps.Created);
    }

    [Fact]
    public async Task Registration_FlagsAndPermissionsAreAnsweredAtOnce()
    {
        // example: registration
        var store = new InMemoryInfraStore();
        var services = new ServiceCollection()
            .AddPenguinMailsInfra().UseInMemoryStore(store).Services
            .BuildServiceProvider();
        var admin = store.Seed.StaffMember(WellKnownPermissions.FeatureFlagsManage);
        store.Seed.FeatureFlag("new-editor", rolloutPercentage: 100);

        // No host runs and nothing was refreshed: the evaluator and the checker read the store.
        var evaluator = services.GetRequiredService<IFeatureFlagEvaluator>();
        var permissions = services.GetRequiredService<IPermissionChecker>();
        Assert.True(evaluator.IsEnabled("new-editor", admin.UserId));
        Assert.True(await permissions.HasPermissionAsync(admin.UserId, WellKnownPermissions.FeatureFlagsManage));

        // A change through any repository is seen by the next call.
        var flags = services.GetRequiredService<IFeatureFlagRepository>();
        var stored = await flags.GetByKeyAsync("new-editor");
        await flags.UpdateAsync(stored! with { IsEnabled = false });
        Assert.False(evaluator.IsEnabled("new-editor", admin.UserId));
        // end example

        await services.DisposeAsync();
    }

    [Fact]
    public async Task SnapshotAndRestore_BetweenTests()
    {
        // example: snapshot
        var store = new InMemoryInfraStore();
        var vps = store.Seed.Vps();
        var seeded = store.Snapshot();                 // once, after the shared seeding

        await new InMemoryVpsInstanceRepository(store).DeleteAsync(vps.Id);   // a test changes the data ...
        store.Restore(seeded);                         // ... and the next test starts from the seeded state again

        Assert.NotNull(await new InMemoryVpsInstanceRepository(store).GetAsync(vps.Id));
        // end example
    }

    [Fact]
    public async Task FakeTime_StampsRowsAndDrivesExpiry()
    {
        // example: time
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var store = new InMemoryInfraStore(time);
        var ips = new InMemorySmtpIpAddressRepository(store);

        var ip = store.Seed.SmtpIp();
        time.Advance(TimeSpan.FromHours(2));
        var updated = await ips.UpdateAsync(ip with { ApproximateCost = 4.5m });

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero), updated.Updated);
        Assert.Equal("4.50", updated.ApproximateCost!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // end example
    }

    [Fact]
    public void Page_ShowsEveryExampleOfThisFile_Verbatim()
    {
        var page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "unit-testing.md")).ReplaceLineEndings("\n");
        var source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "UnitTestingDocExamples.cs")).ReplaceLineEndings("\n");
        var examples = ExampleInSource().Matches(source).ToDictionary(m => m.Groups["name"].Value, m => Dedent(m.Groups["code"].Value));
        var shown = ExampleOnPage().Matches(page).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["code"].Value.TrimEnd('\n'));

        Assert.Equal(new[] { "contract-suite", "registration", "seeding", "snapshot", "time" }, examples.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(examples.Keys.Order(StringComparer.Ordinal).ToArray(), shown.Keys.Order(StringComparer.Ordinal).ToArray());
        foreach (var (name, code) in examples)
        {
            Assert.True(shown[name] == code, $"docs/unit-testing.md, example '{name}', must show:\n{code}\n\nbut shows:\n{shown[name]}");
        }
    }

    private static string Dedent(string block)
    {
        var lines = block.TrimEnd('\n').Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    [GeneratedRegex(@"^[ ]*// example: (?<name>[a-z-]+)\n(?<code>.*?)^[ ]*// end example$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ExampleInSource();

    [GeneratedRegex(@"^<!-- example: (?<name>[a-z-]+) -->\n```csharp\n(?<code>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ExampleOnPage();
}

// example: contract-suite
public sealed class MyContractStore : IContractStore
{
    private readonly InMemoryInfraStore _data;   // here the in-memory store stands in for your database

    public MyContractStore()
    {
        _data = new InMemoryInfraStore(Clock);
        VpsInstances = new InMemoryVpsInstanceRepository(_data);   // your IVpsInstanceRepository, reading Clock
        UnitOfWork = new InMemoryInfraUnitOfWorkFactory(_data);    // your units of work, over the same data
    }

    public string Kind => "my-store";

    public FakeTimeProvider Clock { get; } = ContractClock.Create();

    public IVpsInstanceRepository VpsInstances { get; }

    public IInfraUnitOfWorkFactory UnitOfWork { get; }

    // What VpsInstanceRepositoryContract does not use.
    public ISmtpIpAddressRepository SmtpIpAddresses => throw new NotSupportedException();
    public IDomainIpAssignmentRepository DomainIpAssignments => throw new NotSupportedException();
    public IStaffRoleRepository StaffRoles => throw new NotSupportedException();
    public IPermissionRepository Permissions => throw new NotSupportedException();
    public IStaffMemberRepository StaffMembers => throw new NotSupportedException();
    public ISystemConfigRepository SystemConfigs => throw new NotSupportedException();
    public IFeatureFlagRepository FeatureFlags => throw new NotSupportedException();
    public IUserPreferencesRepository UserPreferences => throw new NotSupportedException();
    public ITenantConfigRepository TenantConfigs => throw new NotSupportedException();
    public ITenantPoliciesRepository TenantPolicies => throw new NotSupportedException();
    public Task AddUserAsync(UserId id) => throw new NotSupportedException();
    public Task AddTenantAsync(TenantId id) => throw new NotSupportedException();
    public Task AddDomainAsync(DomainId id, TenantId? tenant = null) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class MyVpsInstanceRepositoryTests : VpsInstanceRepositoryContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new MyContractStore());
}
// end example
