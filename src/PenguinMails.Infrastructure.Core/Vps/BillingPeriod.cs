namespace PenguinMails.Infrastructure.Core.Vps;

/// <summary>
/// One Hostwinds billing period of a VPS instance: from <see cref="Start"/> (inclusive) to <see cref="End"/>
/// (exclusive, the start of the next period), both at 00:00 UTC on the billing day.
/// </summary>
/// <param name="Start">The first instant of the period.</param>
/// <param name="End">The first instant after the period (the next period's start).</param>
public readonly record struct BillingPeriod(DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>
    /// The period that contains <paramref name="at"/> for an instance billed on <paramref name="billingDay"/> of each
    /// month. A billing day past a month's length falls on that month's last day (day 31 bills on 30 April, and on
    /// 28 or 29 February).
    /// </summary>
    /// <param name="billingDay">The <c>hostwinds_billing_day</c>, 1..31.</param>
    /// <param name="at">The instant; converted to UTC.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="billingDay"/> is outside 1..31.</exception>
    public static BillingPeriod Containing(int billingDay, DateTimeOffset at)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(billingDay, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(billingDay, 31);
        var utc = at.ToUniversalTime();
        var thisMonth = BillingDate(utc.Year, utc.Month, billingDay);
        DateTimeOffset start;
        if (utc >= thisMonth)
        {
            start = thisMonth;
        }
        else
        {
            var previous = new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-1);
            start = BillingDate(previous.Year, previous.Month, billingDay);
        }

        var next = new DateTime(start.Year, start.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
        return new BillingPeriod(start, BillingDate(next.Year, next.Month, billingDay));
    }

    /// <summary>Whether <paramref name="at"/> falls inside the period.</summary>
    /// <param name="at">The instant.</param>
    public bool Contains(DateTimeOffset at) => at >= Start && at < End;

    private static DateTimeOffset BillingDate(int year, int month, int billingDay) =>
        new(year, month, Math.Min(billingDay, DateTime.DaysInMonth(year, month)), 0, 0, 0, TimeSpan.Zero);
}
