namespace PenguinMails.Infrastructure.Core;

/// <summary>
/// The base of every exception this package throws on purpose. Catch it to handle any failure of the package;
/// catch a derived type to handle one kind of failure.
/// </summary>
/// <remarks>Messages name the entity, the id, the field and the rule; they never contain a secret.</remarks>
public abstract class PenguinMailsException : Exception
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the failure.</param>
    protected PenguinMailsException(string message)
        : base(message) { }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the failure.</param>
    /// <param name="innerException">The exception that caused this one (for example a PostgreSQL error).</param>
    protected PenguinMailsException(string message, Exception? innerException)
        : base(message, innerException) { }

    /// <summary>
    /// Whether retrying the same operation may succeed (a serialization failure, a deadlock, a dropped connection).
    /// </summary>
    public virtual bool IsTransient => false;
}
