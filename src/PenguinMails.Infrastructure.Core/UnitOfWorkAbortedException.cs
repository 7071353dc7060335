namespace PenguinMails.Infrastructure.Core;

/// <summary>Thrown by an operation on a unit of work whose transaction an earlier failure aborted, or that has ended.</summary>
public sealed class UnitOfWorkAbortedException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="reason">Why the unit can no longer be used.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public UnitOfWorkAbortedException(string reason, Exception? innerException = null)
        : base($"The unit of work cannot be used: {reason}.", innerException) { }
}
