namespace PenguinMails.Infrastructure.Core.Replicas;

/// <summary>
/// Reading from streaming standbys (section <c>PenguinMailsInfra:Replicas</c>). Writes always go to the primary; these
/// settings only concern the reads that are safe to be stale. See <c>docs/scaling.md</c>.
/// </summary>
public sealed class ReplicaOptions
{
    /// <summary>
    /// Whether the package's own background reads that may be stale read a standby: the feature-flag refresh run on the
    /// timer (with <see cref="ReadConsistency.ReadYourWrites"/>, so the snapshot never goes back in time) and the tenant
    /// cost report (stale). False by default. Only effective with a multi-host data source.
    /// </summary>
    public bool BackgroundReadsFromStandby { get; set; }

    /// <summary>
    /// How long a <see cref="ReadConsistency.ReadYourWrites"/> read waits for the standby to replay the primary's
    /// position before it reads the primary instead (0..30 s; zero checks once without waiting). One second by default.
    /// </summary>
    public TimeSpan ReadYourWritesTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Every invalid setting, named, or an empty list.</summary>
    /// <returns>The failures.</returns>
    public IReadOnlyList<string> Validate() =>
        ReadYourWritesTimeout < TimeSpan.Zero || ReadYourWritesTimeout > TimeSpan.FromSeconds(30)
            ? [$"Replicas:{nameof(ReadYourWritesTimeout)} must be between 0 and 30 seconds (it is {ReadYourWritesTimeout})."]
            : [];
}
