namespace PenguinMails.Infrastructure.TestKit;

/// <summary>A <see cref="TimeProvider"/> whose time moves only when a test moves it. Thread-safe.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _utcTicks;

    /// <summary>Starts at <paramref name="start"/>, or 2026-01-01T00:00:00Z.</summary>
    public ManualClock(DateTimeOffset? start = null)
    {
        _utcTicks = (start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)).UtcTicks;
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);

    /// <summary>Sets the clock.</summary>
    public void Set(DateTimeOffset to) => Interlocked.Exchange(ref _utcTicks, to.UtcTicks);
}
