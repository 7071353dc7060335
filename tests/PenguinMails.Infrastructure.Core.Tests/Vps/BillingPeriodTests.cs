using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Tests.Vps;

public sealed class BillingPeriodTests
{
    private static DateTimeOffset D(int y, int m, int d, int h = 0) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    public static TheoryData<int, DateTimeOffset, DateTimeOffset, DateTimeOffset> Cases() =>
        new()
        {
            // billing day, at, expected start, expected end
            { 15, D(2026, 3, 10, 12), D(2026, 2, 15), D(2026, 3, 15) },
            { 15, D(2026, 3, 15), D(2026, 3, 15), D(2026, 4, 15) },
            { 15, D(2026, 3, 14, 23), D(2026, 2, 15), D(2026, 3, 15) },
            { 1, D(2026, 1, 1), D(2026, 1, 1), D(2026, 2, 1) },
            { 1, D(2025, 12, 31, 23), D(2025, 12, 1), D(2026, 1, 1) },
            // a billing day past the month's length falls on its last day
            { 31, D(2026, 4, 15), D(2026, 3, 31), D(2026, 4, 30) },
            { 31, D(2026, 4, 30), D(2026, 4, 30), D(2026, 5, 31) },
            { 31, D(2026, 2, 27), D(2026, 1, 31), D(2026, 2, 28) },
            { 31, D(2026, 2, 28), D(2026, 2, 28), D(2026, 3, 31) },
            { 30, D(2028, 2, 29), D(2028, 2, 29), D(2028, 3, 30) }, // leap year
            { 29, D(2028, 2, 28), D(2028, 1, 29), D(2028, 2, 29) }, // leap year
            { 29, D(2027, 2, 28), D(2027, 2, 28), D(2027, 3, 29) }, // not a leap year
            { 29, D(2100, 2, 28), D(2100, 2, 28), D(2100, 3, 29) }, // 2100 is not a leap year
            { 31, D(2026, 12, 31), D(2026, 12, 31), D(2027, 1, 31) }, // year end
            { 10, D(2026, 1, 5), D(2025, 12, 10), D(2026, 1, 10) }, // across the year boundary
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Containing_Date_GivesPeriodBounds(int billingDay, DateTimeOffset at, DateTimeOffset start, DateTimeOffset end)
    {
        var period = BillingPeriod.Containing(billingDay, at);

        Assert.Equal(start, period.Start);
        Assert.Equal(end, period.End);
        Assert.True(period.Contains(at));
        Assert.False(period.Contains(end));
    }

    [Fact]
    public void Containing_NonUtcInstant_UsesUtcCalendar()
    {
        // 2026-03-15T01:00+03:00 is 2026-03-14T22:00Z: still in the period that started on 15 February.
        var at = new DateTimeOffset(2026, 3, 15, 1, 0, 0, TimeSpan.FromHours(3));

        Assert.Equal(D(2026, 2, 15), BillingPeriod.Containing(15, at).Start);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(-1)]
    public void Containing_BillingDayOutOfRange_Throws(int day)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BillingPeriod.Containing(day, D(2026, 1, 1)));
    }

    [Fact]
    public void Containing_EveryDayOfFourYears_PeriodsAreContiguous()
    {
        for (var day = 1; day <= 31; day++)
        {
            var previous = BillingPeriod.Containing(day, D(2024, 1, 1));
            for (var at = D(2024, 1, 1); at < D(2028, 1, 1); at = at.AddDays(1))
            {
                var period = BillingPeriod.Containing(day, at);
                Assert.True(period.Contains(at));
                Assert.True(period == previous || period.Start == previous.End, $"day {day} at {at:O}");
                Assert.InRange((period.End - period.Start).TotalDays, 28, 31);
                previous = period;
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    public void Containing_BillingDayAtTheBounds_IsAccepted(int day)
    {
        var period = BillingPeriod.Containing(day, D(2026, 5, 20));

        Assert.True(period.Contains(D(2026, 5, 20)));
    }

    [Fact]
    public void Contains_Bounds_StartInclusiveEndExclusive()
    {
        var period = new BillingPeriod(D(2026, 1, 10), D(2026, 2, 10));

        Assert.True(period.Contains(period.Start));
        Assert.False(period.Contains(period.Start.AddTicks(-1)));
        Assert.True(period.Contains(period.End.AddTicks(-1)));
        Assert.False(period.Contains(period.End));
    }
}
