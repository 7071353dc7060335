using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.FeatureFlags;

public sealed class FeatureFlagEvaluatorTests
{
    // Pinned vectors: new-dashboard/9a6df4f7... is bucket 85, smtp.warmup-v2/7c4547dd... is bucket 5.
    private static readonly Guid Bucket85 = Guid.Parse("9a6df4f7-7fde-0a55-f26e-bccca13ee972");
    private static readonly Guid Bucket5ForWarmup = Guid.Parse("7c4547dd-4bd6-e4c5-1f87-40bcd979571c");

    private static FeatureFlag Flag(string key, bool enabled, int rollout) => new() { Key = key, IsEnabled = enabled, RolloutPercentage = rollout };

    private static async Task<(FeatureFlagEvaluator Evaluator, FakeLogger<FeatureFlagEvaluator> Log, FeatureFlagSnapshotProvider Provider)> CreateAsync(int maxWarned = 1000, params FeatureFlag[] flags)
    {
        var repo = new Mock<IFeatureFlagRepository>(MockBehavior.Strict);
        repo.Setup(r => r.ListAllAsync(It.IsAny<CancellationToken>())).ReturnsAsync(flags);
        var provider = new FeatureFlagSnapshotProvider(repo.Object, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        await provider.RefreshAsync();
        var log = new FakeLogger<FeatureFlagEvaluator>();
        return (new FeatureFlagEvaluator(provider, maxWarned, log), log, provider);
    }

    [Fact]
    public async Task Explain_EachRule_GivesItsReasonBucketAndPercentage()
    {
        var (evaluator, _, _) = await CreateAsync(1000,
            Flag("new-dashboard", true, 85), Flag("dark-mode", false, 100), Flag("ip-rotation", true, 0), Flag("smtp.warmup-v2", true, 4));

        Assert.Equal(new FlagDecision(FlagDecisionReason.InRollout, 85, 85), evaluator.Explain("new-dashboard", Bucket85));
        Assert.Equal(new FlagDecision(FlagDecisionReason.OutOfRollout, 5, 4), evaluator.Explain("smtp.warmup-v2", Bucket5ForWarmup));
        Assert.Equal(FlagDecisionReason.Disabled, evaluator.Explain("dark-mode", Bucket85).Reason);
        Assert.Equal(FlagDecisionReason.RolloutZero, evaluator.Explain("ip-rotation", Bucket85).Reason);
        Assert.Equal(FlagDecisionReason.UnknownFlag, evaluator.Explain("missing", Bucket85).Reason);
        Assert.Equal("on: bucket 85 <= rollout 85", evaluator.Explain("new-dashboard", Bucket85).ToString());
        Assert.Equal("off: bucket 5 > rollout 4", evaluator.Explain("smtp.warmup-v2", Bucket5ForWarmup).ToString());
    }

    [Fact]
    public async Task IsEnabled_BoundaryPercentage_OnAtBucketOffBelow()
    {
        var (evaluator, _, provider) = await CreateAsync(1000, Flag("new-dashboard", true, 85));
        Assert.True(evaluator.IsEnabled("new-dashboard", Bucket85));

        await provider.ApplyAsync(Flag("new-dashboard", true, 84));

        Assert.False(evaluator.IsEnabled("new-dashboard", Bucket85));
    }

    [Fact]
    public async Task IsEnabled_UserAndTenantOverloads_BucketTheirOwnIds()
    {
        var (evaluator, _, _) = await CreateAsync(1000, Flag("new-dashboard", true, 50));
        for (var i = 0; i < 200; i++)
        {
            var id = Guid.NewGuid();
            var expected = RolloutBucket.Compute("new-dashboard", id) <= 50;
            Assert.Equal(expected, evaluator.IsEnabled("new-dashboard", new UserId(id)));
            Assert.Equal(expected, evaluator.IsEnabled("new-dashboard", new TenantId(id)));
            Assert.Equal(expected, evaluator.IsEnabled("new-dashboard", id));
        }
    }

    [Fact]
    public async Task Explain_UnknownKeyManyTimes_LoggedOncePerKey()
    {
        var (evaluator, log, _) = await CreateAsync(1000, Flag("new-dashboard", true, 50));

        for (var i = 0; i < 100; i++)
        {
            Assert.False(evaluator.IsEnabled("missing-a", Guid.NewGuid()));
            Assert.False(evaluator.IsEnabled("missing-b", Guid.NewGuid()));
        }

        Assert.Equal(2, log.Count(PenguinMailsInfraEventIds.FeatureFlagUnknownKey));
        Assert.Contains(log.Entries, e => e.EventId == PenguinMailsInfraEventIds.FeatureFlagUnknownKey && e.Message.Contains("'missing-a'", StringComparison.Ordinal));
    }

    [Fact]
    public void Explain_BeforeTheFirstLoad_OffButNotLoggedAsUnknown()
    {
        var repo = new Mock<IFeatureFlagRepository>(MockBehavior.Strict);
        using var provider = new FeatureFlagSnapshotProvider(repo.Object, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var log = new FakeLogger<FeatureFlagEvaluator>();
        var evaluator = new FeatureFlagEvaluator(provider, 1000, log);

        Assert.Equal(FlagDecisionReason.UnknownFlag, evaluator.Explain("new-dashboard", Guid.NewGuid()).Reason);

        Assert.Empty(log.Entries);
    }

    [Fact]
    public async Task Explain_MoreUnknownKeysThanTheBound_StopsLoggingAfterOneLimitWarning()
    {
        var (evaluator, log, _) = await CreateAsync(3);

        for (var i = 0; i < 50; i++)
        {
            evaluator.IsEnabled("missing-" + i, Guid.NewGuid());
        }

        Assert.Equal(3, log.Count(PenguinMailsInfraEventIds.FeatureFlagUnknownKey));
        Assert.Equal(1, log.Count(PenguinMailsInfraEventIds.FeatureFlagUnknownKeyLimit));
    }

    [Fact]
    public async Task IsEnabled_WarmedLoopOfTenThousandCalls_AllocatesNothing()
    {
        var (evaluator, _, _) = await CreateAsync(1000,
            Flag("new-dashboard", true, 50), Flag("dark-mode", false, 100), Flag("ip-rotation", true, 0));
        var subjects = Enumerable.Range(0, 64).Select(_ => Guid.NewGuid()).ToArray();
        var keys = new[] { "new-dashboard", "dark-mode", "ip-rotation", "missing" };
        var on = 0;

        void Loop()
        {
            for (var i = 0; i < 10_000; i++)
            {
                var key = keys[i & 3];
                var subject = subjects[i & 63];
                if (evaluator.IsEnabled(key, subject))
                {
                    on++;
                }

                if (evaluator.IsEnabled(key, new UserId(subject)) && evaluator.IsEnabled(key, new TenantId(subject)) && evaluator.Explain(key, subject).IsEnabled)
                {
                    on++;
                }
            }
        }

        Loop();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Loop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(on > 0);
    }

    [Fact]
    public void Snapshot_Create_DuplicateKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => FeatureFlagSnapshot.Create([Flag("a", true, 1), Flag("a", false, 2)], DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Snapshot_With_ReplacesByKeyAndKeepsTheOriginal()
    {
        var original = FeatureFlagSnapshot.Create([Flag("b", true, 10), Flag("a", true, 20)], DateTimeOffset.UnixEpoch);

        var changed = original.With(Flag("b", false, 10), DateTimeOffset.UnixEpoch.AddSeconds(1));

        Assert.True(original.Find("b")!.IsEnabled);
        Assert.False(changed.Find("b")!.IsEnabled);
        Assert.Equal(["a", "b"], changed.Flags.Select(f => f.Key));
        Assert.Equal(2, changed.Count);
        Assert.Null(changed.Find("c"));
    }

    [Fact]
    public void Snapshot_Empty_EveryKeyUnknown()
    {
        Assert.Equal(FlagDecisionReason.UnknownFlag, FeatureFlagSnapshot.Empty.Explain("anything", Guid.NewGuid()).Reason);
        Assert.Empty(FeatureFlagSnapshot.Empty.Flags);
    }

    [Fact]
    public async Task Provider_RefreshAsync_ReplacesSnapshotRaisesEventAndBumpsVersion()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var flags = new List<FeatureFlag> { Flag("a", true, 10) };
        var repo = new Mock<IFeatureFlagRepository>(MockBehavior.Strict);
        repo.Setup(r => r.ListAllAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() => flags.ToList());
        using var provider = new FeatureFlagSnapshotProvider(repo.Object, clock);
        FeatureFlagSnapshot? seen = null;
        provider.SnapshotChanged += (_, s) => seen = s;

        await provider.RefreshAsync();
        flags.Add(Flag("b", true, 20));
        clock.Advance(TimeSpan.FromMinutes(1));
        var second = await provider.RefreshAsync();

        Assert.Equal(2, provider.Version);
        Assert.Same(second, provider.Current);
        Assert.Same(second, seen);
        Assert.Equal(clock.GetUtcNow(), second.LoadedAt);
        Assert.Equal(2, second.Count);
    }

    [Theory]
    [InlineData(100, 1000, true)]
    [InlineData(86_400_000, 0, true)]
    [InlineData(86_400_001, 1000, false)]
    [InlineData(99, 1000, false)]
    [InlineData(1000, -1, false)]
    public void OptionsValidator_Values_AcceptedOnlyWithinTheDocumentedRanges(int refreshMs, int maxWarned, bool valid)
    {
        var failures = FeatureFlagOptionsValidator.Failures(new FeatureFlagOptions
        {
            RefreshInterval = TimeSpan.FromMilliseconds(refreshMs),
            MaxWarnedUnknownKeys = maxWarned,
        });

        Assert.Equal(valid, failures.Count == 0);
    }

    [Fact]
    public void OptionsValidator_SeveralBadValues_ReportsEveryFailure()
    {
        var failures = FeatureFlagOptionsValidator.Failures(new FeatureFlagOptions { RefreshInterval = TimeSpan.Zero, MaxWarnedUnknownKeys = -1 });

        Assert.Equal(2, failures.Count);
    }

    [Fact]
    public void Defaults_AreThirtySecondsListenOnAndAThousandKeys()
    {
        var options = new FeatureFlagOptions();

        Assert.Equal(TimeSpan.FromSeconds(30), options.RefreshInterval);
        Assert.True(options.ListenForChanges);
        Assert.Equal(1000, options.MaxWarnedUnknownKeys);
    }
}
