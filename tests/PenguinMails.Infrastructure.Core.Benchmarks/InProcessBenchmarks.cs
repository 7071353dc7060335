using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.Testing;

namespace PenguinMails.Infrastructure.Core.Benchmarks;

/// <summary>
/// The in-memory hot paths: flag evaluation over a loaded snapshot (against Microsoft.FeatureManagement 4.7.0) and the
/// cached permission check. The package is registered with one <c>AddPenguinMailsInfra</c> call on the in-memory store
/// (neither path touches the store once its snapshot is loaded).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class InProcessBenchmarks
{
    private const string FlagKey = "new-dashboard";
    private ServiceProvider _services = null!;
    private ServiceProvider _featureManagement = null!;
    private IFeatureFlagEvaluator _evaluator = null!;
    private IFeatureManager _featureManager = null!;
    private IPermissionChecker _checker = null!;
    private PermissionSnapshot _snapshot = null!;
    private UserId[] _users = [];
    private TargetingContext[] _contexts = [];
    private UserId _admin;
    private UserId _viewer;
    private int _next;

    // Synchronous wrappers: the in-process toolchain of BenchmarkDotNet 0.14 does not await an async setup.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var services = new ServiceCollection();
        services.AddPenguinMailsInfra().UseInMemoryStore();
        _services = services.BuildServiceProvider();
        _admin = UserId.New();
        _viewer = UserId.New();
        var store = _services.GetRequiredService<InMemoryInfraStore>();
        store.AddUser(_admin);
        store.AddUser(_viewer);
        await _services.GetRequiredService<IStaffAdministration>().BootstrapAdministratorAsync(_admin, new StaffRoleId(1));
        await _services.GetRequiredService<IFeatureFlagManager>().CreateAsync(_admin, FlagKey, "bench", isEnabled: true, rolloutPercentage: 25);
        await _services.GetRequiredService<FeatureFlagSnapshotProvider>().RefreshAsync();
        _evaluator = _services.GetRequiredService<IFeatureFlagEvaluator>();
        _checker = _services.GetRequiredService<IPermissionChecker>();
        _snapshot = await ((CachedPermissionChecker)_checker).GetSnapshotAsync();
        if (!await _checker.HasPermissionAsync(_admin, WellKnownPermissions.FeatureFlagsManage))
        {
            throw new InvalidOperationException("the administrator should hold " + WellKnownPermissions.FeatureFlagsManage);
        }

        _users = Enumerable.Range(0, 1024).Select(_ => UserId.New()).ToArray();
        _contexts = _users.Select(u => new TargetingContext { UserId = u.Value.ToString("D") }).ToArray();

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["FeatureManagement:Pct25:EnabledFor:0:Name"] = "Microsoft.Percentage",
                ["FeatureManagement:Pct25:EnabledFor:0:Parameters:Value"] = "25",
                ["FeatureManagement:Targeted25:EnabledFor:0:Name"] = "Microsoft.Targeting",
                ["FeatureManagement:Targeted25:EnabledFor:0:Parameters:Audience:DefaultRolloutPercentage"] = "25",
            })
            .Build();
        var fm = new ServiceCollection();
        fm.AddSingleton<IConfiguration>(configuration);
        fm.AddFeatureManagement();
        _featureManagement = fm.BuildServiceProvider();
        _featureManager = _featureManagement.GetRequiredService<IFeatureManager>();
        var share = 0;
        foreach (var c in _contexts)
        {
            share += await _featureManager.IsEnabledAsync("Targeted25", c) ? 1 : 0;
        }

        if (share is < 150 or > 370)
        {
            throw new InvalidOperationException($"the targeting filter is not wired: {share} of 1024 users on");
        }
    }

    private async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        await _featureManagement.DisposeAsync();
    }

    private int Next() => _next++ & 1023;

    // ---- flag evaluation -----------------------------------------------------------------------------------------

    [Benchmark(Baseline = true, Description = "Library IsEnabled (snapshot, 25 %)")]
    [BenchmarkCategory("FlagEvaluation")]
    public bool Flag_Library() => _evaluator.IsEnabled(FlagKey, _users[Next()]);

    [Benchmark(Description = "FeatureManagement percentage filter 25 %")]
    [BenchmarkCategory("FlagEvaluation")]
    public Task<bool> Flag_FeatureManagementPercentage() => _featureManager.IsEnabledAsync("Pct25");

    [Benchmark(Description = "FeatureManagement targeting filter 25 %")]
    [BenchmarkCategory("FlagEvaluation")]
    public Task<bool> Flag_FeatureManagementTargeting() => _featureManager.IsEnabledAsync("Targeted25", _contexts[Next()]);

    // ---- permission check ----------------------------------------------------------------------------------------

    [Benchmark(Baseline = true, Description = "PermissionSnapshot.Has (floor: two frozen lookups)")]
    [BenchmarkCategory("PermissionCheck")]
    public bool Permission_SnapshotFloor() => _snapshot.Has(_admin, WellKnownPermissions.FeatureFlagsManage);

    [Benchmark(Description = "CachedPermissionChecker.HasPermissionAsync (allowed)")]
    [BenchmarkCategory("PermissionCheck")]
    public ValueTask<bool> Permission_CheckerAllowed() => _checker.HasPermissionAsync(_admin, WellKnownPermissions.FeatureFlagsManage);

    [Benchmark(Description = "CachedPermissionChecker.HasPermissionAsync (denied)")]
    [BenchmarkCategory("PermissionCheck")]
    public ValueTask<bool> Permission_CheckerDenied() => _checker.HasPermissionAsync(_viewer, WellKnownPermissions.FeatureFlagsManage);
}
