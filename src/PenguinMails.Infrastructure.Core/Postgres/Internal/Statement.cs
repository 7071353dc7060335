namespace PenguinMails.Infrastructure.Core.Postgres.Internal;

/// <summary>
/// What a statement does, as its caller declares it (never guessed from the SQL text): whether a failed call may be
/// repeated, whether its outcome can be unknown, and what a foreign-key violation means.
/// </summary>
internal enum Statement
{
    /// <summary>Reads and changes nothing, takes no lock: safe to repeat, never an unknown outcome.</summary>
    Read,

    /// <summary>
    /// Inserts or updates, or takes a lock (<c>SELECT ... FOR UPDATE</c>, an advisory lock): repeated only when it
    /// certainly did not reach the server; a foreign-key violation means a referenced row is missing.
    /// </summary>
    Write,

    /// <summary>Deletes: like <see cref="Write"/>, and a foreign-key violation means other rows still refer to the row.</summary>
    Delete,
}
