namespace PenguinMails.Infrastructure.Core;

/// <summary>
/// Thrown when the database refused the connection for a reason a retry does not fix: the login was rejected (SQLSTATE
/// <c>28P01</c> invalid password, <c>28000</c> invalid authorization), or the database does not exist (<c>3D000</c>).
/// A connection that could not be made because the server is unreachable is a <see cref="TransientDatabaseException"/>.
/// The message names the SQLSTATE and what to check, never the connection string or the password.
/// </summary>
public sealed class DatabaseConnectionException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="operation">What was being done (for example <c>VpsInstance operation</c>).</param>
    /// <param name="sqlState">The SQLSTATE the server answered with.</param>
    /// <param name="reason">What failed, in words (no secret).</param>
    /// <param name="innerException">The driver's exception.</param>
    public DatabaseConnectionException(string operation, string sqlState, string reason, Exception? innerException = null)
        : base($"{operation} could not connect to the database: {reason} (SQLSTATE {sqlState}).", innerException)
    {
        SqlState = sqlState;
    }

    /// <summary>The SQLSTATE the server answered with.</summary>
    public string SqlState { get; }
}
