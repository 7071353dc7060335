using Microsoft.Extensions.Logging.Testing;
using System.Diagnostics;
using Moq;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.FeatureFlags;

public sealed class FeatureFlagRefreshServiceTests
{
    [Fact]
    public async Task RefreshLoop_ReloadFails_LoggedWithEventIdAndPreviousSnapshotKept()
    {
        var calls = 0;
        var repo = new Mock<IFeatureFlagRepository>(MockBehavior.Strict);
        repo.Setup(r => r.ListAllAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() =>
            Interlocked.Increment(ref calls) == 1
                ? [new FeatureFlag { Key = "kept", IsEnabled = true, RolloutPercentage = 100 }]
                : throw new TransientDatabaseException("reading flags", new TimeoutException()));
        using var provider = new FeatureFlagSnapshotProvider(repo.Object, TimeProvider.System);
        var log = new FakeLogger<FeatureFlagRefreshService>();
        var service = new FeatureFlagRefreshService(provider, new FeatureFlagOptions { RefreshInterval = TimeSpan.FromMilliseconds(100) }, false, TimeProvider.System, log);

        await service.StartAsync(CancellationToken.None);
        await service.StartedAsync(CancellationToken.None);
        var watch = Stopwatch.StartNew();
        while (log.Count(PenguinMailsInfraEventIds.FeatureFlagRefreshFailed) < 2 && watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(10);
        }

        await service.StopAsync(CancellationToken.None);
        await service.DisposeAsync();

        Assert.True(log.Count(PenguinMailsInfraEventIds.FeatureFlagRefreshFailed) >= 2, "the failed reloads were not logged");
        Assert.All(log.Entries.Where(e => e.EventId == PenguinMailsInfraEventIds.FeatureFlagRefreshFailed), e => Assert.IsType<TransientDatabaseException>(e.Exception));
        Assert.True(provider.Current.Find("kept")!.IsEnabled);
    }

    [Fact]
    public async Task StartedAsync_FirstLoadFails_LoggedAndStopsCleanly()
    {
        var repo = new Mock<IFeatureFlagRepository>(MockBehavior.Strict);
        repo.Setup(r => r.ListAllAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new TransientDatabaseException("reading flags", new TimeoutException()));
        using var provider = new FeatureFlagSnapshotProvider(repo.Object, TimeProvider.System);
        var log = new FakeLogger<FeatureFlagRefreshService>();
        var service = new FeatureFlagRefreshService(provider, new FeatureFlagOptions(), false, TimeProvider.System, log);

        await service.StartedAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, log.Count(PenguinMailsInfraEventIds.FeatureFlagRefreshFailed));
        Assert.Equal(1, log.Count(PenguinMailsInfraEventIds.FeatureFlagListenDisabled));
        Assert.Same(FeatureFlagSnapshot.Empty, provider.Current);
    }
}

public sealed class FeatureFlagRefreshIntervalTests
{
    [Fact]
    public async Task RefreshLoop_TimeProviderAdvancedByTheInterval_Reloads()
    {
        var calls = 0;
        var repo = new Mock<IFeatureFlagRepository>(MockBehavior.Strict);
        repo.Setup(r => r.ListAllAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() =>
        {
            Interlocked.Increment(ref calls);
            return [];
        });
        var time = new SteppingTimeProvider();
        using var provider = new FeatureFlagSnapshotProvider(repo.Object, time);
        var service = new FeatureFlagRefreshService(provider, new FeatureFlagOptions { RefreshInterval = TimeSpan.FromSeconds(30) }, false, time, null);
        await service.StartedAsync(CancellationToken.None);
        Assert.True(await UntilAsync(() => time.PendingTimers > 0), "the loop never armed its timer");

        time.Advance(TimeSpan.FromSeconds(29));
        var before = Volatile.Read(ref calls);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, before);
        Assert.True(await UntilAsync(() => Volatile.Read(ref calls) == 2), "advancing the clock by the interval did not reload");
        await service.StopAsync(CancellationToken.None);
    }

    private static async Task<bool> UntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(20))
            {
                return false;
            }

            await Task.Delay(5);
        }

        return true;
    }

    /// <summary>A clock whose one-shot timers fire only when the test advances it.</summary>
    private sealed class SteppingTimeProvider : TimeProvider
    {
        private readonly Lock _lock = new();
        private readonly List<Timer> _timers = [];
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public int PendingTimers
        {
            get
            {
                lock (_lock)
                {
                    return _timers.Count(t => t.Due is not null);
                }
            }
        }

        public override DateTimeOffset GetUtcNow()
        {
            lock (_lock)
            {
                return _now;
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new Timer(this, callback, state);
            lock (_lock)
            {
                _timers.Add(timer);
            }

            timer.Change(dueTime, period);
            return timer;
        }

        public void Advance(TimeSpan by)
        {
            List<Timer> due;
            lock (_lock)
            {
                _now += by;
                due = [.. _timers.Where(t => t.Due is { } d && d <= _now)];
                foreach (var t in due)
                {
                    t.Due = null;
                }
            }

            foreach (var t in due)
            {
                t.Fire();
            }
        }

        private sealed class Timer(SteppingTimeProvider owner, TimerCallback callback, object? state) : ITimer
        {
            public DateTimeOffset? Due { get; set; }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                lock (owner._lock)
                {
                    Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                }

                return true;
            }

            public void Fire() => callback(state);

            public void Dispose()
            {
                lock (owner._lock)
                {
                    Due = null;
                    owner._timers.Remove(this);
                }
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
