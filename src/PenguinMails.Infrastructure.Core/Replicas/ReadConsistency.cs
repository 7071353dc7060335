namespace PenguinMails.Infrastructure.Core.Replicas;

/// <summary>How fresh a read sent to a standby must be.</summary>
public enum ReadConsistency
{
    /// <summary>Any standby state: the read may miss writes the primary acknowledged moments ago (replica lag).</summary>
    Stale = 0,

    /// <summary>
    /// The standby must first have replayed the primary's current WAL position (so the read sees every write acknowledged
    /// before it started, this process's and others'); it waits for that up to
    /// <see cref="ReplicaOptions.ReadYourWritesTimeout"/>, then reads the primary instead.
    /// </summary>
    ReadYourWrites = 1,
}
