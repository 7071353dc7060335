namespace PenguinMails.Infrastructure.Core;

/// <summary>
/// Thrown when a write lost a race: a compare-and-set status change whose expected status no longer held, a stale
/// optimistic update, or a serialization failure or deadlock reported by PostgreSQL. Nothing was written.
/// </summary>
public sealed class ConcurrencyConflictException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="entity">The entity type.</param>
    /// <param name="id">The key of the row.</param>
    /// <param name="reason">What did not match, for example "expected status 'active' but found 'decommissioned'".</param>
    /// <param name="isTransient">Whether retrying the whole operation may succeed (serialization failure, deadlock).</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public ConcurrencyConflictException(
        string entity,
        string id,
        string reason,
        bool isTransient = false,
        Exception? innerException = null
    )
        : base($"{entity} '{id}' was changed concurrently: {reason}.", innerException)
    {
        Entity = entity;
        Id = id;
        Reason = reason;
        _isTransient = isTransient;
    }

    private readonly bool _isTransient;

    /// <summary>The entity type.</summary>
    public string Entity { get; }

    /// <summary>The key of the row.</summary>
    public string Id { get; }

    /// <summary>What did not match.</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
