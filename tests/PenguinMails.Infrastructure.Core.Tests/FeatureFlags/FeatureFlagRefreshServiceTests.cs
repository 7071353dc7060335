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
        var log = new CapturingLogger<FeatureFlagRefreshService>();
        var service = new FeatureFlagRefreshService(provider, new FeatureFlagOptions { RefreshInterval = TimeSpan.FromMilliseconds(100) }, null, "public", TimeProvider.System, log);

        await service.StartAsync(CancellationToken.None);
        await service.StartedAsync(CancellationToken.None);
        var watch = Stopwatch.StartNew();
        while (log.Count(5011) < 2 && watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(10);
        }

        await service.StopAsync(CancellationToken.None);
        await service.DisposeAsync();

        Assert.True(log.Count(5011) >= 2, "the failed reloads were not logged");
        Assert.All(log.Entries.Where(e => e.EventId == 5011), e => Assert.IsType<TransientDatabaseException>(e.Exception));
        Assert.True(provider.Current.Find("kept")!.IsEnabled);
    }

    [Fact]
    public async Task StartedAsync_FirstLoadFails_LoggedAndStopsCleanly()
    {
        var repo = new Mock<IFeatureFlagRepository>(MockBehavior.Strict);
        repo.Setup(r => r.ListAllAsync(It.IsAny<CancellationToken>())).ThrowsAsync(new TransientDatabaseException("reading flags", new TimeoutException()));
        using var provider = new FeatureFlagSnapshotProvider(repo.Object, TimeProvider.System);
        var log = new CapturingLogger<FeatureFlagRefreshService>();
        var service = new FeatureFlagRefreshService(provider, new FeatureFlagOptions(), null, "public", TimeProvider.System, log);

        await service.StartedAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, log.Count(5011));
        Assert.Equal(1, log.Count(5022));
        Assert.Same(FeatureFlagSnapshot.Empty, provider.Current);
    }
}
