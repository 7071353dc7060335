using Microsoft.Extensions.Logging.Testing;
using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Internal;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.TestKit;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.FeatureFlags;

/// <summary>The evaluator, the snapshot provider, the refresher and the manager over a real store, run on both stores.</summary>
public abstract class FeatureFlagServicesContract : IAsyncLifetime
{
    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    protected static string UniqueKey() => "ff-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Waits, up to <paramref name="timeout"/>, until <paramref name="condition"/> holds; the caller asserts the result.</summary>
    protected static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    protected async Task<(UserId Admin, UserId Nobody, AllowListPermissionChecker Checker)> UsersAsync()
    {
        var admin = UserId.New();
        var nobody = UserId.New();
        await Store.AddUserAsync(admin);
        await Store.AddUserAsync(nobody);
        return (admin, nobody, new AllowListPermissionChecker((admin, WellKnownPermissions.FeatureFlagsManage), (nobody, WellKnownPermissions.FeatureFlagsRead)));
    }

    [Fact]
    public async Task Evaluator_OverLoadedSnapshot_DecidesAsTheRolloutBucketSays()
    {
        var on = await Store.FeatureFlags.AddAsync(new FeatureFlag { Key = UniqueKey(), IsEnabled = true, RolloutPercentage = 30 });
        var off = await Store.FeatureFlags.AddAsync(new FeatureFlag { Key = UniqueKey(), IsEnabled = false, RolloutPercentage = 100 });
        using var provider = new FeatureFlagSnapshotProvider(Store.FeatureFlags, Store.Clock);
        var evaluator = new FeatureFlagEvaluator(provider);

        await provider.RefreshAsync();

        var inRollout = 0;
        for (var i = 0; i < 1000; i++)
        {
            var user = Guid.NewGuid();
            var bucket = RolloutBucket.Compute(on.Key, user);
            Assert.Equal(bucket <= 30, evaluator.IsEnabled(on.Key, user));
            Assert.Equal(bucket, evaluator.Explain(on.Key, user).Bucket);
            Assert.False(evaluator.IsEnabled(off.Key, user));
            inRollout += evaluator.IsEnabled(on.Key, user) ? 1 : 0;
        }

        Assert.InRange(inRollout, 230, 370);
        Assert.Equal(FlagDecisionReason.Disabled, evaluator.Explain(off.Key, Guid.NewGuid()).Reason);
    }

    [Fact]
    public async Task Manager_EveryChange_VisibleInProcessAtOnceWithUpdatedByAndUpdated()
    {
        var (admin, _, checker) = await UsersAsync();
        using var provider = new FeatureFlagSnapshotProvider(Store.FeatureFlags, Store.Clock);
        var evaluator = new FeatureFlagEvaluator(provider);
        var manager = new FeatureFlagManager(Store.FeatureFlags, checker, provider);
        var key = UniqueKey();
        var subject = Guid.NewGuid();
        var bucket = RolloutBucket.Compute(key, subject);

        var created = await manager.CreateAsync(admin, key, "first");
        Assert.Equal(FlagDecisionReason.Disabled, evaluator.Explain(key, subject).Reason);

        await manager.EnableAsync(admin, key);
        Assert.Equal(FlagDecisionReason.RolloutZero, evaluator.Explain(key, subject).Reason);

        Store.Clock.Advance(TimeSpan.FromMinutes(5));
        var rolled = await manager.SetRolloutPercentageAsync(admin, key, bucket);
        Assert.Equal(new FlagDecision(FlagDecisionReason.InRollout, bucket, bucket), evaluator.Explain(key, subject));

        await manager.DisableAsync(admin, key);
        Assert.False(evaluator.IsEnabled(key, subject));

        var described = await manager.UpdateDescriptionAsync(admin, key, "second");
        var stored = await Store.FeatureFlags.GetByKeyAsync(key);

        Assert.Equal(admin, created.UpdatedBy);
        Assert.Equal(Store.Clock.GetUtcNow(), rolled.Updated);
        Assert.Equal(described, stored);
        Assert.Equal((created.Id, "second", false, bucket, (UserId?)admin), (stored!.Id, stored.Description, stored.IsEnabled, stored.RolloutPercentage, stored.UpdatedBy));
        Assert.True(stored.Updated >= rolled.Updated);
        Assert.Equal(stored, provider.Current.Find(key));
        Assert.Equal(5, checker.Checks);
    }

    [Fact]
    public async Task Manager_UserWithoutManagePermission_DeniedAndNothingWritten()
    {
        var (admin, nobody, checker) = await UsersAsync();
        using var provider = new FeatureFlagSnapshotProvider(Store.FeatureFlags, Store.Clock);
        var manager = new FeatureFlagManager(Store.FeatureFlags, checker, provider);
        var existing = await manager.CreateAsync(admin, UniqueKey(), "kept", isEnabled: true, rolloutPercentage: 10);
        var version = provider.Version;
        var newKey = UniqueKey();

        var denied = new List<PermissionDeniedException>
        {
            await Assert.ThrowsAsync<PermissionDeniedException>(() => manager.CreateAsync(nobody, newKey)),
            await Assert.ThrowsAsync<PermissionDeniedException>(() => manager.UpdateDescriptionAsync(nobody, existing.Key, "changed")),
            await Assert.ThrowsAsync<PermissionDeniedException>(() => manager.EnableAsync(nobody, existing.Key)),
            await Assert.ThrowsAsync<PermissionDeniedException>(() => manager.DisableAsync(nobody, existing.Key)),
            await Assert.ThrowsAsync<PermissionDeniedException>(() => manager.SetRolloutPercentageAsync(nobody, existing.Key, 90)),
            await Assert.ThrowsAsync<PermissionDeniedException>(() => manager.DisableAsync(UserId.New(), existing.Key)),
        };

        Assert.All(denied, e => Assert.Equal(WellKnownPermissions.FeatureFlagsManage, e.Permission));
        Assert.Null(await Store.FeatureFlags.GetByKeyAsync(newKey));
        Assert.Equal(existing, await Store.FeatureFlags.GetByKeyAsync(existing.Key));
        Assert.Equal(version, provider.Version);
    }

    [Fact]
    public async Task Manager_UnknownKeyOrBadPercentage_ThrowsTyped()
    {
        var (admin, _, checker) = await UsersAsync();
        using var provider = new FeatureFlagSnapshotProvider(Store.FeatureFlags, Store.Clock);
        var manager = new FeatureFlagManager(Store.FeatureFlags, checker, provider);

        await Assert.ThrowsAsync<EntityNotFoundException>(() => manager.EnableAsync(admin, UniqueKey()));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => manager.SetRolloutPercentageAsync(admin, UniqueKey(), 101));
        await Assert.ThrowsAsync<EntityValidationException>(() => manager.CreateAsync(admin, "Not A Key"));
    }

    [Fact]
    public async Task Manager_LostOptimisticRace_RetriedOnTheFreshRow()
    {
        var (admin, _, checker) = await UsersAsync();
        var flag = await Store.FeatureFlags.AddAsync(new FeatureFlag { Key = UniqueKey(), Description = "d", IsEnabled = false, RolloutPercentage = 10 });
        var racing = new RacingRepository(Store.FeatureFlags, Store.Clock, races: 1);
        using var provider = new FeatureFlagSnapshotProvider(racing, Store.Clock);
        var manager = new FeatureFlagManager(racing, checker, provider);

        var stored = await manager.EnableAsync(admin, flag.Key);

        Assert.True(stored.IsEnabled);
        Assert.Equal("raced", stored.Description);
        Assert.Equal(2, racing.Updates);
    }

    [Fact]
    public async Task Manager_RaceLostEveryTime_GivesUpAfterMaxAttempts()
    {
        var (admin, _, checker) = await UsersAsync();
        var flag = await Store.FeatureFlags.AddAsync(new FeatureFlag { Key = UniqueKey(), IsEnabled = false });
        var racing = new RacingRepository(Store.FeatureFlags, Store.Clock, races: int.MaxValue);
        using var provider = new FeatureFlagSnapshotProvider(racing, Store.Clock);
        var manager = new FeatureFlagManager(racing, checker, provider);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => manager.EnableAsync(admin, flag.Key));

        Assert.Equal(FeatureFlagManager.MaxAttempts, racing.Updates);
        Assert.False((await Store.FeatureFlags.GetByKeyAsync(flag.Key))!.IsEnabled);
    }

    [Fact]
    public async Task RefreshService_PollingOnly_PicksUpAChangeMadeOutsideTheProcess()
    {
        var flag = await Store.FeatureFlags.AddAsync(new FeatureFlag { Key = UniqueKey(), IsEnabled = false, RolloutPercentage = 100 });
        using var provider = new FeatureFlagSnapshotProvider(Store.FeatureFlags, TimeProvider.System);
        var log = new FakeLogger<FeatureFlagRefreshService>();
        await using var service = new FeatureFlagRefreshService(
            provider, new FeatureFlagOptions { RefreshInterval = TimeSpan.FromMilliseconds(100), ListenForChanges = false }, false, TimeProvider.System, log);
        await service.StartAsync(CancellationToken.None);
        await service.StartedAsync(CancellationToken.None);
        Assert.NotNull(provider.Current.Find(flag.Key));

        Store.Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.FeatureFlags.UpdateAsync(flag with { IsEnabled = true });

        Assert.True(await EventuallyAsync(() => provider.Current.Find(flag.Key)!.IsEnabled, TimeSpan.FromSeconds(20)), "polling never picked up the change");
        await service.StopAsync(CancellationToken.None);
        Assert.Equal(1, log.Count(PenguinMailsInfraEventIds.FeatureFlagListenDisabled));
        Assert.Equal(0, log.Count(PenguinMailsInfraEventIds.FeatureFlagRefreshFailed));
    }

    /// <summary>A repository whose next <c>races</c> updates lose a race: another writer changes the row first.</summary>
    private sealed class RacingRepository(IFeatureFlagRepository inner, FakeTimeProvider clock, int races) : IFeatureFlagRepository
    {
        private int _racesLeft = races;

        public int Updates { get; private set; }

        public async Task<FeatureFlag> UpdateAsync(FeatureFlag flag, CancellationToken cancellationToken = default)
        {
            Updates++;
            if (_racesLeft-- > 0)
            {
                var current = (await inner.GetAsync(flag.Id, cancellationToken))!;
                clock.Advance(TimeSpan.FromSeconds(1));
                await inner.UpdateAsync(current with { Description = "raced" }, cancellationToken);
            }

            return await inner.UpdateAsync(flag, cancellationToken);
        }

        public Task<FeatureFlag?> GetAsync(FeatureFlagId id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public Task<FeatureFlag?> GetByKeyAsync(string key, CancellationToken cancellationToken = default) => inner.GetByKeyAsync(key, cancellationToken);

        public Task<Page<FeatureFlag>> ListAsync(PageRequest? page = null, CancellationToken cancellationToken = default) => inner.ListAsync(page, cancellationToken);

        public Task<IReadOnlyList<FeatureFlag>> ListAllAsync(CancellationToken cancellationToken = default) => inner.ListAllAsync(cancellationToken);

        public Task<long> CountAsync(CancellationToken cancellationToken = default) => inner.CountAsync(cancellationToken);

        public Task<FeatureFlag> AddAsync(FeatureFlag flag, CancellationToken cancellationToken = default) => inner.AddAsync(flag, cancellationToken);

        public Task<bool> DeleteAsync(FeatureFlagId id, CancellationToken cancellationToken = default) => inner.DeleteAsync(id, cancellationToken);
    }
}

public sealed class InMemoryFeatureFlagServicesTests : FeatureFlagServicesContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class PostgresFeatureFlagServicesTests(PostgresContractDatabase database)
    : FeatureFlagServicesContract,
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));
}

/// <summary>Cross-process propagation over LISTEN/NOTIFY: two independent data sources on one database.</summary>
public sealed class FeatureFlagNotifyTests : IAsyncLifetime
{
    private string _connectionString = "";
    private NpgsqlDataSource? _first;
    private NpgsqlDataSource? _second;

    private NpgsqlDataSource First => _first!;

    private NpgsqlDataSource Second => _second!;

    public async Task InitializeAsync()
    {
        if (PostgresServer.SkipReason is not null)
        {
            return;
        }

        _connectionString = await PostgresServer.CreateDatabaseAsync("flags_notify");
        _first = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = "flags-first" }.ConnectionString);
        _second = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = "flags-second" }.ConnectionString);
        await new PostgresMigrator(_first, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_first is not null)
        {
            await _first.DisposeAsync();
        }

        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
    }

    private static ListeningRefresher Listener(FeatureFlagSnapshotProvider provider, NpgsqlDataSource dataSource, FakeLogger<ChangeNotificationListener> log)
    {
        var service = new FeatureFlagRefreshService(provider, new FeatureFlagOptions { RefreshInterval = TimeSpan.FromHours(1) }, true, TimeProvider.System, null);
        var listener = new ChangeNotificationListener(dataSource, SchemaName.Default, service, null, new ChangeNotificationOptions(), TimeProvider.System, log);
        return new ListeningRefresher(service, listener);
    }

    /// <summary>The flag refresher with the change-notification listener that asks it for reloads, started and stopped together.</summary>
    private sealed class ListeningRefresher(FeatureFlagRefreshService service, ChangeNotificationListener listener) : IAsyncDisposable
    {
        public bool IsListening => listener.IsListening;

        public Task StartAsync(CancellationToken cancellationToken) => service.StartAsync(cancellationToken);

        public async Task StartedAsync(CancellationToken cancellationToken)
        {
            await service.StartedAsync(cancellationToken);
            await listener.StartAsync(cancellationToken);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await listener.StopAsync(cancellationToken);
            await service.StopAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await listener.DisposeAsync();
            await service.DisposeAsync();
        }
    }

    private async Task<(UserId Admin, FeatureFlagManager Manager)> SecondProcessManagerAsync()
    {
        var admin = UserId.New();
        await using (var insert = Second.CreateCommand("INSERT INTO users (id) VALUES ($1)"))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = admin.Value });
            await insert.ExecuteNonQueryAsync();
        }

        var repo = new NpgsqlFeatureFlagRepository(Second, SchemaName.Default, TimeProvider.System);
        var provider = new FeatureFlagSnapshotProvider(repo, TimeProvider.System);
        return (admin, new FeatureFlagManager(repo, new AllowListPermissionChecker((admin, WellKnownPermissions.FeatureFlagsManage)), provider));
    }

    [PostgresFact]
    public async Task Listener_ChangeBySecondProcess_ArrivesByNotifyLongBeforeTheRefreshInterval()
    {
        using var provider = new FeatureFlagSnapshotProvider(new NpgsqlFeatureFlagRepository(First, SchemaName.Default, TimeProvider.System), TimeProvider.System);
        var log = new FakeLogger<ChangeNotificationListener>();
        await using var service = Listener(provider, First, log);
        await service.StartAsync(CancellationToken.None);
        await service.StartedAsync(CancellationToken.None);
        Assert.True(await FeatureFlagServicesContract_Eventually(() => service.IsListening, TimeSpan.FromSeconds(20)), "the listener never connected");
        var (admin, manager) = await SecondProcessManagerAsync();
        var key = "notify-" + Guid.NewGuid().ToString("N")[..12];

        await manager.CreateAsync(admin, key, isEnabled: true, rolloutPercentage: 100);
        Assert.True(await FeatureFlagServicesContract_Eventually(() => provider.Current.Find(key) is not null, TimeSpan.FromSeconds(20)), "create did not arrive");
        await manager.DisableAsync(admin, key);
        Assert.True(await FeatureFlagServicesContract_Eventually(() => provider.Current.Find(key) is { IsEnabled: false }, TimeSpan.FromSeconds(20)), "disable did not arrive");

        await service.StopAsync(CancellationToken.None);
        Assert.Equal(1, log.Count(PenguinMailsInfraEventIds.FeatureFlagListening));
        Assert.Equal(0, log.Count(PenguinMailsInfraEventIds.FeatureFlagListenFailed));
    }

    [PostgresFact]
    public async Task Listener_ConnectionKilled_ReconnectsAndStillReceivesChanges()
    {
        using var provider = new FeatureFlagSnapshotProvider(new NpgsqlFeatureFlagRepository(First, SchemaName.Default, TimeProvider.System), TimeProvider.System);
        var log = new FakeLogger<ChangeNotificationListener>();
        await using var service = Listener(provider, First, log);
        await service.StartAsync(CancellationToken.None);
        await service.StartedAsync(CancellationToken.None);
        Assert.True(await FeatureFlagServicesContract_Eventually(() => service.IsListening, TimeSpan.FromSeconds(20)), "the listener never connected");

        await using (var kill = Second.CreateCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'flags-first' AND query LIKE 'LISTEN%'"))
        {
            await kill.ExecuteNonQueryAsync();
        }

        Assert.True(await FeatureFlagServicesContract_Eventually(() => log.Count(PenguinMailsInfraEventIds.FeatureFlagListenFailed) >= 1, TimeSpan.FromSeconds(20)), "the dropped connection was not noticed");
        Assert.True(await FeatureFlagServicesContract_Eventually(() => log.Count(PenguinMailsInfraEventIds.FeatureFlagListening) >= 2 && service.IsListening, TimeSpan.FromSeconds(30)), "the listener did not reconnect");
        var (admin, manager) = await SecondProcessManagerAsync();
        var key = "reconnect-" + Guid.NewGuid().ToString("N")[..12];
        await manager.CreateAsync(admin, key, isEnabled: true, rolloutPercentage: 5);

        Assert.True(await FeatureFlagServicesContract_Eventually(() => provider.Current.Find(key) is not null, TimeSpan.FromSeconds(20)), "the change after reconnect did not arrive");
        await service.StopAsync(CancellationToken.None);
    }

    private static async Task<bool> FeatureFlagServicesContract_Eventually(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }
}
