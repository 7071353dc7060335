namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>
/// Thrown when the schema migrator cannot bring the database to the requested version, or when verification finds it
/// behind. The message names the schema, the version and the reason; it never contains the connection string.
/// </summary>
public sealed class MigrationException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="failure">What went wrong.</param>
    /// <param name="schema">The schema being migrated.</param>
    /// <param name="message">The message.</param>
    /// <param name="version">The version concerned, if one.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public MigrationException(MigrationFailure failure, string schema, string message, int? version = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        Schema = schema;
        Version = version;
    }

    /// <summary>What went wrong.</summary>
    public MigrationFailure Failure { get; }

    /// <summary>The schema being migrated.</summary>
    public string Schema { get; }

    /// <summary>The version concerned (the failing script, the unknown version), if one.</summary>
    public int? Version { get; }

    /// <summary>For <see cref="MigrationFailure.HostTablesMissing"/>: the missing host tables.</summary>
    public IReadOnlyList<string> MissingHostTables { get; init; } = [];

    /// <summary>For <see cref="MigrationFailure.PendingMigrations"/>: the versions not applied yet, ascending.</summary>
    public IReadOnlyList<int> PendingVersions { get; init; } = [];

    /// <summary>For <see cref="MigrationFailure.LockTimeout"/>: the process id of the session holding the lock, if known.</summary>
    public int? LockHolderPid { get; init; }

    /// <summary>For <see cref="MigrationFailure.LockTimeout"/>: the <c>application_name</c> of the holder, if known.</summary>
    public string? LockHolderApplication { get; init; }

    /// <inheritdoc />
    public override bool IsTransient => Failure == MigrationFailure.LockTimeout;
}
