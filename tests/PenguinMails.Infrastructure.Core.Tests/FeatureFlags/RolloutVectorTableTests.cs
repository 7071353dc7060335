using System.Text.RegularExpressions;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.FeatureFlags;

/// <summary>
/// The package's own vector table: generated once with <see cref="RolloutBucket.Compute(string, Guid)"/>, cross-checked
/// with an independent Python MurmurHash3, and pinned here and in docs/feature-flags.md.
/// </summary>
public sealed partial class RolloutVectorTableTests
{
    public static TheoryData<string, string, int> Pinned { get; } = new()
    {
        { "new-dashboard", "9a6df4f7-7fde-0a55-f26e-bccca13ee972", 85 },
        { "smtp.warmup-v2", "7c4547dd-4bd6-e4c5-1f87-40bcd979571c", 5 },
        { "billing_invoices", "58b05d5b-fc5d-2d8e-4de9-6dfe07e8f553", 85 },
        { "ip-rotation", "a780455e-498e-ab0d-2f88-7a563e983178", 89 },
        { "dark-mode", "43719f16-908d-e015-b917-2eecdec7dc36", 69 },
        { "new-dashboard", "935eed91-b0f8-118e-5005-29d48237efb4", 52 },
        { "smtp.warmup-v2", "68e7f5b7-b277-cec5-2f9f-ed771a20cd67", 87 },
        { "billing_invoices", "51c443ab-9d3a-667f-115f-f28866405e81", 63 },
        { "ip-rotation", "e8347a28-74e0-dfbf-2890-6459c217f630", 51 },
        { "dark-mode", "3e29c137-9d72-1979-7581-5617c03c67ee", 70 },
        { "new-dashboard", "a04f6c41-e4eb-3687-84e5-29aa3926a3fa", 72 },
        { "smtp.warmup-v2", "a550c168-2017-8a0e-001a-725e1da71feb", 13 },
        { "billing_invoices", "56177529-56c7-5344-39f2-b98d74cfe04f", 63 },
        { "ip-rotation", "feaf5cde-c1ec-20d6-5dc4-a0d1712818dd", 75 },
        { "dark-mode", "c3803dc6-4c0e-1232-7dfd-6b2566811530", 77 },
        { "new-dashboard", "c180233a-20f7-67ff-9ef6-f903b573e110", 11 },
        { "smtp.warmup-v2", "36c7dcd9-1c4e-9140-299d-81ef55b1badc", 52 },
        { "billing_invoices", "4d976faf-57a8-a5e5-3e19-2517522f5c0a", 93 },
        { "ip-rotation", "8a4c5b1b-deb9-1de1-e2ee-975a9f1012ed", 66 },
        { "dark-mode", "45541d3c-93dc-8268-f621-f835f7283ffa", 74 },
        { "new-dashboard", "fad37740-3065-d022-8d79-6ab9bf8a062e", 41 },
        { "smtp.warmup-v2", "35db3706-17db-872e-f2ca-9397e6ac26b9", 59 },
        { "billing_invoices", "281a9daf-173c-0c88-fa83-b76229afc26c", 79 },
        { "ip-rotation", "bf2eca1b-094d-291e-484c-079a9c8aeae1", 1 },
    };

    [Theory]
    [MemberData(nameof(Pinned))]
    public void Compute_PinnedVector_GivesThePinnedBucket(string flagKey, string subjectId, int bucket)
    {
        Assert.Equal(bucket, RolloutBucket.Compute(flagKey, Guid.Parse(subjectId)));
        Assert.Equal(bucket, RolloutBucket.Compute(flagKey, subjectId));
    }

    [Fact]
    public void Pinned_Table_HasAtLeastTwentyRowsOverSeveralFlags()
    {
        var rows = Pinned.Select(r => ((string)r[0], (string)r[1])).ToList();
        Assert.True(rows.Count >= 20);
        Assert.True(rows.Select(r => r.Item1).Distinct().Count() >= 5);
        Assert.All(rows, r => Assert.Equal(Guid.Parse(r.Item2).ToString("D"), r.Item2));
    }

    [Fact]
    public void FeatureFlagsDoc_PinnedVectorTable_MatchesTheTest()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "docs", "feature-flags.md")).ReplaceLineEndings("\n");
        var block = Block().Match(doc);
        Assert.True(block.Success, "docs/feature-flags.md has no <!-- pinned-vectors --> table");
        var documented = Row().Matches(block.Groups[1].Value)
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        var pinned = Pinned.Select(r => ((string)r[0], (string)r[1], (int)r[2])).ToList();
        Assert.Equal(pinned, documented);
    }

    [GeneratedRegex(@"<!-- pinned-vectors -->\n(.*?)<!-- /pinned-vectors -->", RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"^\| `([^`]+)` \| `([^`]+)` \| (\d+) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
