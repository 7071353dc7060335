using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;

namespace PenguinMails.Infrastructure.Core.Tests.IpPools;

public sealed class WarmupPlanTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Default_PinnedCaps_StartAt50AndGrowBy40PercentRoundedUpFor30Days()
    {
        var plan = WarmupPlan.Default;

        Assert.Equal("default", plan.Name);
        Assert.Equal(30, plan.Days);
        Assert.Equal([50, 70, 98, 138, 194, 272, 381, 534, 748, 1048], plan.DailyCaps.Take(10));
        Assert.Equal(878173, plan.DailyCaps[^1]);
        for (var day = 2; day <= plan.Days; day++)
        {
            var ratio = (double)plan.CapForDay(day) / plan.CapForDay(day - 1);
            Assert.InRange(ratio, 1.39, 1.42);
        }
    }

    [Fact]
    public void Create_ValidCaps_KeepsThemInOrder()
    {
        var plan = WarmupPlan.Create("gentle", [10, 10, 20]);

        Assert.Equal([10, 10, 20], plan.DailyCaps);
        Assert.Equal(TimeSpan.FromDays(3), plan.Duration);
        Assert.Equal(20, plan.CapForDay(3));
    }

    [Fact]
    public void Create_EveryBrokenRule_ReportedAtOnceWithFieldAndRule()
    {
        var ex = Assert.Throws<EntityValidationException>(() => WarmupPlan.Create(" ", [10, 0, 5, 4]));

        Assert.Equal("WarmupPlan", ex.Entity);
        Assert.Equal(
            [("name", "required"), ("daily_caps[day 2]", "positive"), ("daily_caps[day 4]", "non_decreasing")],
            ex.Errors.Select(e => (e.Field, e.Rule)));
    }

    [Fact]
    public void Create_NoDays_Rejected()
    {
        var ex = Assert.Throws<EntityValidationException>(() => WarmupPlan.Create("empty", []));

        Assert.Equal(("daily_caps", "required"), (ex.Errors.Single().Field, ex.Errors.Single().Rule));
    }

    [Fact]
    public void Create_TooManyDays_Rejected()
    {
        var ex = Assert.Throws<EntityValidationException>(() => WarmupPlan.Create("long", Enumerable.Repeat(1, WarmupPlan.MaxDays + 1)));

        Assert.Contains(ex.Errors, e => e is { Field: "daily_caps", Rule: "max_days" });
    }

    [Fact]
    public void FromDays_ContiguousFromOne_BuildsThePlan()
    {
        var plan = WarmupPlan.FromDays("map", new Dictionary<int, int> { [2] = 200, [1] = 100, [3] = 300 });

        Assert.Equal([100, 200, 300], plan.DailyCaps);
    }

    [Theory]
    [InlineData(new[] { 2, 3 })]
    [InlineData(new[] { 1, 3 })]
    [InlineData(new[] { 0, 1 })]
    public void FromDays_GapOrWrongStart_RejectedAsContiguousDays(int[] days)
    {
        var map = days.ToDictionary(d => d, d => 100);

        var ex = Assert.Throws<EntityValidationException>(() => WarmupPlan.FromDays("gap", map));

        Assert.Contains(ex.Errors, e => e is { Field: "daily_caps", Rule: "contiguous_days" });
    }

    [Fact]
    public void Geometric_IntegerRounding_IsCeilingOfTheProduct()
    {
        var plan = WarmupPlan.Geometric("g", 3, 150, 4);

        Assert.Equal([3, 5, 8, 12], plan.DailyCaps);
    }

    [Theory]
    [InlineData(0, 100, 5)]
    [InlineData(10, 99, 5)]
    [InlineData(10, 1001, 5)]
    [InlineData(10, 140, 0)]
    [InlineData(10, 140, 367)]
    public void Geometric_OutOfRange_Throws(int first, int growth, int days) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WarmupPlan.Geometric("g", first, growth, days));

    [Theory]
    [InlineData(-1, 0, 0, false)]
    [InlineData(0, 1, 10, false)]
    [InlineData(23, 1, 10, false)]
    [InlineData(24, 2, 20, false)]
    [InlineData(71, 3, 40, false)]
    [InlineData(72, 4, null, true)]
    [InlineData(1000, 4, null, true)]
    public void Evaluate_HoursSinceStart_GivesDayCapAndCompletion(int hours, int day, int? cap, bool complete)
    {
        var plan = WarmupPlan.Create("three", [10, 20, 40]);

        var progress = plan.Evaluate(Start, Start.AddHours(hours));

        Assert.Equal(day, progress.DayNumber);
        Assert.Equal(cap, progress.DailyCap);
        Assert.Equal(complete, progress.IsComplete);
        Assert.Equal("three", progress.PlanName);
    }

    [Fact]
    public void Evaluate_Fraction_IsElapsedShareOfTheDuration()
    {
        var plan = WarmupPlan.Create("four", [1, 2, 3, 4]);

        Assert.Equal(0.5, plan.Evaluate(Start, Start.AddDays(2)).Fraction, 10);
        Assert.Equal(0d, plan.Evaluate(Start, Start.AddDays(-1)).Fraction);
        Assert.Equal(1d, plan.Evaluate(Start, Start.AddDays(9)).Fraction);
    }

    [Fact]
    public void Evaluate_Assignment_StartsAtAssigned()
    {
        var plan = WarmupPlan.Create("three", [10, 20, 40]);
        var assignment = new DomainIpAssignment { DomainId = DomainId.New(), SmtpIpAddressId = Core.SmtpIps.SmtpIpAddressId.New(), Assigned = Start, WarmupState = WarmupState.Warming };

        var progress = plan.Evaluate(assignment, Start.AddHours(30));

        Assert.Equal(Start, progress.WarmupStart);
        Assert.Equal(2, progress.DayNumber);
        Assert.Equal(20, progress.DailyCap);
    }

    [Fact]
    public void Evaluate_AssignmentAlreadyWarmed_CompleteWhateverTheDates()
    {
        var plan = WarmupPlan.Create("three", [10, 20, 40]);
        var assignment = new DomainIpAssignment { DomainId = DomainId.New(), SmtpIpAddressId = Core.SmtpIps.SmtpIpAddressId.New(), Assigned = Start, WarmupState = WarmupState.Warmed };

        var progress = plan.Evaluate(assignment, Start.AddHours(1));

        Assert.True(progress.IsComplete);
        Assert.Null(progress.DailyCap);
    }

    [Fact]
    public void CapForDay_OutsideThePlan_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WarmupPlan.Default.CapForDay(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => WarmupPlan.Default.CapForDay(31));
    }
}

public sealed class WarmupPlanCatalogTests
{
    [Fact]
    public void Constructor_DefaultOptions_HoldsTheBuiltInDefault()
    {
        var catalog = new WarmupPlanCatalog(new WarmupOptions());

        Assert.Same(WarmupPlan.Default, catalog.DefaultPlan);
        Assert.Same(WarmupPlan.Default, catalog.Get("DEFAULT"));
    }

    [Fact]
    public void For_ExplicitNameThenSelectorThenDefault_ChoosesInThatOrder()
    {
        var options = new WarmupOptions { PlanSelector = a => a.LastSent is null ? "fast" : null };
        options.Plans["fast"] = [100, 1000];
        options.Plans["slow"] = [1, 2, 3];
        var catalog = new WarmupPlanCatalog(options);
        var fresh = new DomainIpAssignment();
        var used = fresh with { LastSent = DateTimeOffset.UnixEpoch };

        Assert.Equal("slow", catalog.For(fresh, "slow").Name);
        Assert.Equal("fast", catalog.For(fresh).Name);
        Assert.Equal("default", catalog.For(used).Name);
    }

    [Fact]
    public void Constructor_InvalidPlan_ReportsFieldsUnderThePlanName()
    {
        var options = new WarmupOptions();
        options.Plans["bad"] = [5, 4];

        var ex = Assert.Throws<EntityValidationException>(() => new WarmupPlanCatalog(options));

        Assert.Equal("Plans[bad].daily_caps[day 2]", ex.Errors.Single().Field);
    }

    [Fact]
    public void Get_UnknownName_ThrowsNotFound()
    {
        var catalog = new WarmupPlanCatalog(new WarmupOptions());

        var ex = Assert.Throws<EntityNotFoundException>(() => catalog.Get("missing"));

        Assert.Contains("WarmupPlan 'missing'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_EveryInvalidValue_ReportedAtOnce()
    {
        var options = new WarmupOptions { RewarmAfterUnusedDays = 0, DefaultPlan = "default" };
        options.Plans["bad"] = [];

        var failures = WarmupOptionsValidator.Failures(options);

        Assert.Equal(2, failures.Count);
    }

    [Fact]
    public void Validator_UnknownDefaultPlan_Fails()
    {
        var failures = WarmupOptionsValidator.Failures(new WarmupOptions { DefaultPlan = "nope" });

        Assert.Contains(failures, f => f.StartsWith("Warmup:DefaultPlan", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_Defaults_Succeed() =>
        Assert.Empty(WarmupOptionsValidator.Failures(new WarmupOptions()));
}
