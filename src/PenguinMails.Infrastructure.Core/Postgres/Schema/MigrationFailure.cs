namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>What went wrong in a <see cref="MigrationException"/>.</summary>
public enum MigrationFailure
{
    /// <summary>A migration script failed; its transaction was rolled back and nothing of that version remains.</summary>
    ScriptFailed,

    /// <summary>One or more host tables (<c>users</c>, <c>tenants</c>, <c>domains</c>) do not exist in the schema.</summary>
    HostTablesMissing,

    /// <summary>The migration lock (or another lock a script needed) was not obtained within the lock timeout.</summary>
    LockTimeout,

    /// <summary>Verification found versions that are not applied yet.</summary>
    PendingMigrations,

    /// <summary>The database holds a version this package does not know, and the operation needs its script.</summary>
    UnknownVersion,

    /// <summary>
    /// The application's start-up could not connect to PostgreSQL to migrate or verify the schema (server unreachable,
    /// authentication failed, database missing); the message names host, port, database and user, never the password.
    /// </summary>
    ConnectionFailed,
}
