using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Tests.Seed;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.FeatureFlags;

public sealed class FeatureFlagTests
{
    private static FeatureFlag Valid() =>
        new() { Key = "new-dashboard", Description = "The new\ndashboard", IsEnabled = true, RolloutPercentage = 25, UpdatedBy = UserId.New() };

    [Fact]
    public void Validate_ValidFlag_HasNoErrors()
    {
        Assert.Empty(Valid().Validate());
    }

    public static TheoryData<string, Func<FeatureFlag, object>> SeedDefaults() =>
        new()
        {
            { "is_enabled", f => f.IsEnabled },
            { "rollout_percentage", f => f.RolloutPercentage },
        };

    [Theory]
    [MemberData(nameof(SeedDefaults))]
    public void Defaults_MatchSeedDefaultClauses(string column, Func<FeatureFlag, object> read)
    {
        Assert.Equal(SeedContract.DefaultOf(FeatureFlag.TableName, column), SqlLiteral.Of(read(new FeatureFlag { Key = "k" })));
    }

    [Fact]
    public void New_Flag_HasAFreshIdAndNoOptionalValues()
    {
        var a = new FeatureFlag { Key = "k" };
        var b = new FeatureFlag { Key = "k" };

        Assert.NotEqual(Guid.Empty, a.Id.Value);
        Assert.NotEqual(a.Id, b.Id);
        Assert.Null(a.Description);
        Assert.Null(a.UpdatedBy);
        Assert.Empty(a.Validate());
    }

    public static TheoryData<string, Func<FeatureFlag, FeatureFlag>, string, string> Failing() =>
        new()
        {
            { "empty id", f => f with { Id = default }, "id", "not_empty" },
            { "key null", f => f with { Key = null! }, "key", "required" },
            { "key empty", f => f with { Key = "" }, "key", "required" },
            { "key upper", f => f with { Key = "New-Dashboard" }, "key", "flag_key" },
            { "key leading dash", f => f with { Key = "-new" }, "key", "flag_key" },
            { "key with space", f => f with { Key = "new dashboard" }, "key", "flag_key" },
            { "key non ascii letter", f => f with { Key = "nouveau-tableau-é" }, "key", "flag_key" },
            { "key turkish dotless i", f => f with { Key = "fıag" }, "key", "flag_key" },
            { "key 101", f => f with { Key = new string('k', 101) }, "key", "max_length" },
            { "description NUL", f => f with { Description = "\0" }, "description", "no_nul" },
            { "rollout -1", f => f with { RolloutPercentage = -1 }, "rollout_percentage", "range" },
            { "rollout 101", f => f with { RolloutPercentage = 101 }, "rollout_percentage", "range" },
            { "updated_by empty", f => f with { UpdatedBy = new UserId(Guid.Empty) }, "updated_by", "not_empty" },
        };

    [Theory]
    [MemberData(nameof(Failing))]
    public void Validate_BadValue_ReportsFieldAndRule(string _, Func<FeatureFlag, FeatureFlag> change, string field, string rule)
    {
        var error = Assert.Single(change(Valid()).Validate());

        Assert.Equal(field, error.Field);
        Assert.Equal(rule, error.Rule);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<FeatureFlag, FeatureFlag>> Passing() =>
        new()
        {
            { "rollout 0", f => f with { RolloutPercentage = 0 } },
            { "rollout 100", f => f with { RolloutPercentage = 100 } },
            { "key 100", f => f with { Key = new string('k', 100) } },
            { "key digit first, dots, _ and -", f => f with { Key = "2fa.enforce_v2-beta" } },
            { "key single char", f => f with { Key = "x" } },
            { "nulls", f => f with { Description = null, UpdatedBy = null } },
        };

    [Theory]
    [MemberData(nameof(Passing))]
    public void Validate_EdgeValue_IsAccepted(string _, Func<FeatureFlag, FeatureFlag> change)
    {
        Assert.Empty(change(Valid()).Validate());
    }

    [Theory]
    [InlineData("new-dashboard", true)]
    [InlineData("billing.v2_beta", true)]
    [InlineData("0", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("New", false)]
    [InlineData(".a", false)]
    [InlineData("a b", false)]
    [InlineData("a\n", false)]
    [InlineData("ärger", false)]
    public void IsValidKey_Candidate_MatchesRule(string? key, bool expected)
    {
        Assert.Equal(expected, FeatureFlag.IsValidKey(key));
    }

    [Fact]
    public void IsValidKey_Length_IsAtMost100()
    {
        Assert.True(FeatureFlag.IsValidKey(new string('a', FeatureFlag.MaxKeyLength)));
        Assert.False(FeatureFlag.IsValidKey(new string('a', FeatureFlag.MaxKeyLength + 1)));
    }

    [Fact]
    public void FeatureFlagId_ToString_IsLowercaseD()
    {
        var id = new FeatureFlagId(Guid.Parse("0195A3B4-C5D6-7E8F-9012-3456789ABCDE"));

        Assert.Equal("0195a3b4-c5d6-7e8f-9012-3456789abcde", id.ToString());
    }
}
