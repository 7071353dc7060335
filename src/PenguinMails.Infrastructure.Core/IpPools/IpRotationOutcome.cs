namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>What rotation did with one due assignment.</summary>
public enum IpRotationOutcome
{
    /// <summary>Expired; the domain still has another in-force assignment (or replacement is off).</summary>
    Expired = 1,

    /// <summary>Expired, and a replacement IP allocated in the same transaction (it was the domain's last in-force IP).</summary>
    Replaced = 2,

    /// <summary>Not expired: it is the domain's last in-force IP and no replacement fits (see <see cref="IpRotationMove.NoReplacementReason"/>).</summary>
    KeptNoReplacement = 3,

    /// <summary>
    /// Skipped: by the time it was expired it was already expired, gone, or no longer due. The package's stores lock the
    /// batch's rows first, so only an allocator of another store reports it.
    /// </summary>
    AlreadyHandled = 4,
}
