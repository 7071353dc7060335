using Microsoft.Extensions.Time.Testing;
using Moq;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.FeatureFlags;

public sealed class FeatureFlagEvaluatorTelemetryTests
{
    private static readonly Guid Bucket85 = Guid.Parse("9a6df4f7-7fde-0a55-f26e-bccca13ee972");

    private static FeatureFlag Flag(string key, bool enabled, int rollout) => new() { Key = key, IsEnabled = enabled, RolloutPercentage = rollout };

    private static async Task<FeatureFlagEvaluator> CreateAsync(params FeatureFlag[] flags)
    {
        var repo = new Mock<IFeatureFlagRepository>(MockBehavior.Strict);
        repo.Setup(r => r.ListAllAsync(It.IsAny<CancellationToken>())).ReturnsAsync(flags);
        var provider = new FeatureFlagSnapshotProvider(repo.Object, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        await provider.RefreshAsync();
        return new FeatureFlagEvaluator(provider);
    }

    [Fact]
    public async Task Explain_EachOutcome_CountsOneEvaluationTaggedWithTheOutcome()
    {
        var evaluator = await CreateAsync(Flag("new-dashboard", true, 85), Flag("dark-mode", false, 100), Flag("ip-rotation", true, 0));
        using var capture = new TelemetryCapture();

        Assert.True(evaluator.IsEnabled("new-dashboard", Bucket85));
        Assert.True(evaluator.IsEnabled("new-dashboard", new UserId(Bucket85)));
        Assert.False(evaluator.IsEnabled("dark-mode", Bucket85));
        Assert.False(evaluator.IsEnabled("ip-rotation", new TenantId(Bucket85)));
        Assert.Equal(FlagDecisionReason.UnknownFlag, evaluator.Explain("missing", Bucket85).Reason);

        const string counter = PenguinMailsInfraTelemetry.FlagEvaluationsCounter;
        Assert.Equal(5, capture.Sum(counter));
        Assert.Equal(2, capture.Sum(counter, ("outcome", "on")));
        Assert.Equal(2, capture.Sum(counter, ("outcome", "off")));
        Assert.Equal(1, capture.Sum(counter, ("outcome", "unknown")));
        Assert.All(capture.Measurements, m => Assert.Equal(["outcome"], m.Tags.Keys));
    }
}
