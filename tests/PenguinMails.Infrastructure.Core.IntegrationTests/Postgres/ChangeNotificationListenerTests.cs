using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Internal;
using PenguinMails.Infrastructure.Core.Testing;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Postgres;

public sealed class ChangeNotificationListenerTests
{
    [Fact]
    public async Task Reconnect_OpenKeepsFailing_DelaysDoubleFromHalfASecondAndAreCappedOnTheTimeProvider()
    {
        var time = new FakeTimeProvider();
        using var provider = new FeatureFlagSnapshotProvider(new InMemoryFeatureFlagRepository(new InMemoryInfraStore(time)), time);
        await using var flags = new FeatureFlagRefreshService(provider, new FeatureFlagOptions(), true, time, null);
        var attempts = 0;
        await using var listener = new ChangeNotificationListener(
            null,
            "public",
            flags,
            null,
            new ChangeNotificationOptions { MaxReconnectDelay = TimeSpan.FromSeconds(4) },
            time,
            openConnection: _ =>
            {
                Interlocked.Increment(ref attempts);
                throw new NpgsqlException("the server is down");
            });
        var started = time.GetUtcNow();

        await listener.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (listener.Delays.Count < 7 && DateTime.UtcNow < deadline)
        {
            // Small steps on the fake clock: no real waiting for the delays themselves.
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1);
        }

        await listener.StopAsync(CancellationToken.None);
        var delays = listener.Delays.Take(7).Select(d => d.TotalMilliseconds).ToArray();
        Assert.Equal(new double[] { 500, 1000, 2000, 4000, 4000, 4000, 4000 }, delays);
        Assert.True(time.GetUtcNow() - started >= TimeSpan.FromMilliseconds(500 + 1000 + 2000 + 4000 + 4000 + 4000), "an attempt came before its delay had passed");
        Assert.True(Volatile.Read(ref attempts) >= 7);
        Assert.False(listener.IsListening);
    }

    [Fact]
    public async Task Start_NoAreaListens_OpensNoConnection()
    {
        var opened = false;
        await using var listener = new ChangeNotificationListener(
            null,
            "public",
            null,
            null,
            new ChangeNotificationOptions(),
            TimeProvider.System,
            openConnection: _ =>
            {
                opened = true;
                throw new NpgsqlException("must not be called");
            });

        await listener.StartAsync(CancellationToken.None);
        await listener.StopAsync(CancellationToken.None);

        Assert.False(listener.Enabled);
        Assert.False(opened);
    }
}
