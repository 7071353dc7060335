namespace PenguinMails.Infrastructure.Core;

/// <summary>
/// Thrown when the database could not be reached or the connection broke during an operation (server restart,
/// terminated backend, network failure). Unless <see cref="CommitOutcomeUnknown"/> is true, nothing was written and
/// repeating the operation is safe.
/// </summary>
/// <remarks>
/// <see cref="CommitOutcomeUnknown"/> is true when the connection broke after a write could have been committed and
/// before the answer arrived: a unit of work's commit, or a single write outside a unit of work whose statement was sent
/// without the server reporting an error. Then the write may or may not be in the database; read it back before
/// repeating it. See <c>docs/reliability.md</c>.
/// </remarks>
public sealed class TransientDatabaseException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="operation">What was being done, for example "VpsInstance update".</param>
    /// <param name="innerException">The driver's exception.</param>
    public TransientDatabaseException(string operation, Exception innerException)
        : this(operation, innerException, commitOutcomeUnknown: false) { }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="operation">What was being done, for example "VpsInstance update".</param>
    /// <param name="innerException">The driver's exception.</param>
    /// <param name="commitOutcomeUnknown">Whether the write may have been committed although no answer arrived.</param>
    public TransientDatabaseException(string operation, Exception innerException, bool commitOutcomeUnknown)
        : base(
            commitOutcomeUnknown
                ? $"The database connection broke during {operation} before its outcome was known; the write may or may not have been committed."
                : $"The database was unavailable during {operation}; nothing was acknowledged.",
            innerException
        )
    {
        Operation = operation;
        CommitOutcomeUnknown = commitOutcomeUnknown;
    }

    /// <summary>
    /// True when the write may have been committed although no answer arrived (the connection broke during a commit,
    /// or after a single write outside a unit of work was sent). False when nothing was written.
    /// </summary>
    public bool CommitOutcomeUnknown { get; }

    /// <summary>What was being done.</summary>
    public string Operation { get; }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
