namespace PenguinMails.Infrastructure.Core.Postgres.Schema.Internal;

/// <summary>What the package's version loader writes beside FluentMigrator's columns: who, when, and how long.</summary>
internal sealed class VersionRecorder(TimeProvider timeProvider, string? appliedBy)
{
    private long _started;

    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>Recorded as <c>applied_by</c>; null for the database user.</summary>
    public string? AppliedBy { get; } = appliedBy is { Length: > 255 } ? appliedBy[..255] : appliedBy;

    /// <summary>Marks the start of a version's script.</summary>
    public void Start() => _started = TimeProvider.GetTimestamp();

    /// <summary>Milliseconds since <see cref="Start"/>.</summary>
    public long ElapsedMilliseconds => (long)TimeProvider.GetElapsedTime(_started).TotalMilliseconds;
}
