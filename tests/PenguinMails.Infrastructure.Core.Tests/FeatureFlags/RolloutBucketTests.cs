using System.Text;
using PenguinMails.Infrastructure.Core.FeatureFlags;

namespace PenguinMails.Infrastructure.Core.Tests.FeatureFlags;

public sealed class RolloutBucketTests
{
    [Theory]
    // Published Unleash normalisation vectors (groupId:userId).
    [InlineData("gr1", "123", 73)]
    [InlineData("groupX", "999", 25)]
    public void Compute_PublishedUnleashVectors_Match(string flagKey, string subject, int bucket)
    {
        Assert.Equal(bucket, RolloutBucket.Compute(flagKey, subject));
    }

    [Theory]
    // Reference MurmurHash3_x86_32 values (seed 0) from the algorithm's public test vectors.
    [InlineData("", 0u, 0x00000000u)]
    [InlineData("", 1u, 0x514E28B7u)]
    [InlineData("a", 0u, 0x3C2569B2u)]
    [InlineData("abc", 0u, 0xB3DD93FAu)]
    [InlineData("abcd", 0u, 0x43ED676Au)]
    [InlineData("Hello, world!", 0u, 0xC0363E43u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0u, 0x2E4FF723u)]
    // Every tail length (0..3 bytes after the 4-byte blocks) and a non-zero seed.
    [InlineData("ab", 0u, 0x9BBFD75Fu)]
    [InlineData("abcde", 0u, 0xE89B9AF6u)]
    [InlineData("abcdef", 0u, 0x6181C085u)]
    [InlineData("abcdefg", 0u, 0x883C9B06u)]
    [InlineData("ab", 0x9747B28Cu, 0x74875592u)]
    [InlineData("abcdefgh", 0x9747B28Cu, 0xCF0266E4u)]
    public void MurmurHash3X86Hash32_ReferenceVectors_Match(string text, uint seed, uint expected)
    {
        Assert.Equal(expected, RolloutBucket.MurmurHash3X86Hash32(Encoding.UTF8.GetBytes(text), seed));
    }

    [Theory]
    // Keys whose "key:" prefix leaves 0, 1, 2 and 3 bytes past the last whole 4-byte block, and a multi-byte UTF-8 key.
    [InlineData("abc")]
    [InlineData("abcd")]
    [InlineData("abcde")]
    [InlineData("abcdef")]
    [InlineData("new-dashboard")]
    [InlineData("déjà-vu")]
    public void Compute_PrecomputedKeyPrefix_EqualsStringForm(string flagKey)
    {
        var key = RolloutKey.Create(flagKey);
        for (var i = 0; i < 500; i++)
        {
            var id = Guid.NewGuid();
            Assert.Equal(RolloutBucket.Compute(flagKey, id.ToString("D")), RolloutBucket.Compute(key, id));
        }
    }

    [Fact]
    public void Explain_SnapshotEvaluation_EqualsComputeForEveryKeyLength()
    {
        var keys = new[] { "a", "ab", "abc", "abcd", "abcde", "new-dashboard", "ünïcode-flag" };
        var snapshot = FeatureFlagSnapshot.Create(keys.Select(k => new FeatureFlag { Key = k, IsEnabled = true, RolloutPercentage = 50 }), DateTimeOffset.UnixEpoch);
        for (var i = 0; i < 200; i++)
        {
            var id = Guid.NewGuid();
            foreach (var k in keys)
            {
                Assert.Equal(RolloutBucket.Compute(k, id.ToString("D")), snapshot.Explain(k, id).Bucket);
            }
        }
    }

    [Theory]
    // UTF-8 of "key:subject" just under, at and just past the 512-byte stack buffer, and far past it (pooled buffer).
    [InlineData(255, 255, 58)]
    [InlineData(256, 255, 3)]
    [InlineData(256, 256, 58)]
    [InlineData(600, 1, 100)]
    public void Compute_KeyAroundTheStackBufferSize_PinnedBucket(int keyLength, int subjectLength, int bucket)
    {
        var key = new string(keyLength == 600 ? 'x' : 'k', keyLength);
        var subject = new string('s', subjectLength);

        Assert.Equal(bucket, RolloutBucket.Compute(key, subject));
        Assert.Equal(bucket, RolloutBucket.Compute(key.AsSpan(), subject.AsSpan()));
    }

    [Fact]
    public void Compute_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => RolloutBucket.Compute(null!, "subject"));
        Assert.Throws<ArgumentNullException>(() => RolloutBucket.Compute("flag", (string)null!));
        Assert.Throws<ArgumentNullException>(() => RolloutBucket.Compute(null!, Guid.NewGuid()));
    }

    [Fact]
    public void Compute_GuidOverload_EqualsLowercaseStringForm()
    {
        for (var i = 0; i < 1000; i++)
        {
            var id = Guid.NewGuid();
            Assert.Equal(RolloutBucket.Compute("new-dashboard", id.ToString("D")), RolloutBucket.Compute("new-dashboard", id));
        }
    }

    [Fact]
    public void Compute_LongKeysAndUnicode_UsesUtf8AndStaysInRange()
    {
        var longKey = new string('k', 2000);
        var bucket = RolloutBucket.Compute(longKey, "user-\u00e9\U0001F427");

        Assert.InRange(bucket, 1, 100);
        var bytes = Encoding.UTF8.GetBytes(longKey + ":user-\u00e9\U0001F427");
        Assert.Equal((int)(RolloutBucket.MurmurHash3X86Hash32(bytes, 0) % 100) + 1, bucket);
    }

    [Fact]
    public void Compute_HundredThousandGuids_IsUniformByChiSquare()
    {
        var counts = new int[101];
        var random = new Random(20261123);
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 0; i < 100_000; i++)
        {
            random.NextBytes(bytes);
            counts[RolloutBucket.Compute("uniformity", new Guid(bytes))]++;
        }

        var expected = 100_000 / 100.0;
        var chiSquare = counts.Skip(1).Sum(c => (c - expected) * (c - expected) / expected);
        // 99 degrees of freedom: the 99.9th percentile of chi-square is about 148.2.
        Assert.True(chiSquare < 148.2, $"chi-square {chiSquare:F1} over 100 buckets");
        Assert.Equal(0, counts[0]);
    }

    [Fact]
    public void IsOn_RaisingThePercentage_NeverRemovesASubject()
    {
        var subjects = Enumerable.Range(0, 5000).Select(_ => Guid.NewGuid()).ToArray();
        var previous = new HashSet<Guid>();
        for (var p = 0; p <= 100; p++)
        {
            var on = subjects.Where(s => RolloutBucket.IsOn(true, p, RolloutBucket.Compute("monotonic", s))).ToHashSet();
            Assert.True(previous.IsSubsetOf(on), $"raising to {p}% removed a subject");
            previous = on;
        }

        Assert.Equal(subjects.Length, previous.Count);
    }

    [Fact]
    public void IsOn_TwoFlagsAtQuarter_AreIndependent()
    {
        var random = new Random(7);
        Span<byte> bytes = stackalloc byte[16];
        int both = 0, n = 100_000;
        for (var i = 0; i < n; i++)
        {
            random.NextBytes(bytes);
            var id = new Guid(bytes);
            if (RolloutBucket.IsOn(true, 25, RolloutBucket.Compute("flag-a", id)) && RolloutBucket.IsOn(true, 25, RolloutBucket.Compute("flag-b", id)))
            {
                both++;
            }
        }

        // Independent: 6.25 % of subjects are in both; the binomial standard deviation is about 0.077 %.
        Assert.InRange(both / (double)n, 0.0595, 0.0655);
    }

    [Theory]
    [InlineData(false, 100, 1, false)]
    [InlineData(true, 0, 1, false)]
    [InlineData(true, 25, 25, true)]
    [InlineData(true, 25, 26, false)]
    [InlineData(true, 100, 100, true)]
    public void IsOn_Rules_Hold(bool enabled, int percentage, int bucket, bool on)
    {
        Assert.Equal(on, RolloutBucket.IsOn(enabled, percentage, bucket));
    }
}
