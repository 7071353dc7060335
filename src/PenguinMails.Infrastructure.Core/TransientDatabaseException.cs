namespace PenguinMails.Infrastructure.Core;

/// <summary>
/// Thrown when the database could not be reached or the connection broke during an operation (server restart,
/// terminated backend, network failure). When it is thrown outside a commit, nothing was written; retrying an
/// idempotent operation is safe.
/// </summary>
public sealed class TransientDatabaseException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="operation">What was being done, for example "VpsInstance update".</param>
    /// <param name="innerException">The driver's exception.</param>
    public TransientDatabaseException(string operation, Exception innerException)
        : base($"The database was unavailable during {operation}; nothing was acknowledged.", innerException)
    {
        Operation = operation;
    }

    /// <summary>What was being done.</summary>
    public string Operation { get; }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
