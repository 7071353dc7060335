namespace PenguinMails.Infrastructure.Core;

/// <summary>Thrown when a write refers to a row that does not exist (a foreign key). Nothing was written.</summary>
public sealed class ReferencedEntityMissingException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="entity">The entity written.</param>
    /// <param name="field">The referencing column, for example <c>vps_instance_id</c>.</param>
    /// <param name="referencedTable">The referenced table, for example <c>vps_instances</c>.</param>
    /// <param name="referencedId">The referenced key, when known.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public ReferencedEntityMissingException(
        string entity,
        string field,
        string referencedTable,
        string? referencedId = null,
        Exception? innerException = null
    )
        : base(
            $"{entity}.{field} refers to {referencedTable}{(referencedId is null ? "" : $" '{referencedId}'")}, which does not exist.",
            innerException
        )
    {
        Entity = entity;
        Field = field;
        ReferencedTable = referencedTable;
        ReferencedId = referencedId;
    }

    /// <summary>The entity written.</summary>
    public string Entity { get; }

    /// <summary>The referencing column.</summary>
    public string Field { get; }

    /// <summary>The referenced table.</summary>
    public string ReferencedTable { get; }

    /// <summary>The referenced key, when known.</summary>
    public string? ReferencedId { get; }
}
