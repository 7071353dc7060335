namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>
/// Time as both stores write it: UTC, truncated to whole microseconds (PostgreSQL's timestamp resolution), so a value
/// written and read back compares equal in either store.
/// </summary>
internal static class StoreClock
{
    public static readonly TimeSpan Tick = TimeSpan.FromMicroseconds(1);

    public static DateTimeOffset Now(TimeProvider time) => Truncate(time.GetUtcNow());

    public static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    public static DateTimeOffset? Truncate(DateTimeOffset? value) => value is { } v ? Truncate(v) : null;

    /// <summary>
    /// The <c>updated</c> value of a write: now, but always later than the previous value, so that it changes on every
    /// write and works as the optimistic-concurrency token even when the clock stands still (a fake clock in tests).
    /// </summary>
    public static DateTimeOffset NextUpdated(DateTimeOffset now, DateTimeOffset previous) =>
        now > previous ? now : previous + Tick;
}
