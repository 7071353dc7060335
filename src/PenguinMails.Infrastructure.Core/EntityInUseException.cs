namespace PenguinMails.Infrastructure.Core;

/// <summary>Thrown when a row cannot be deleted because other rows still refer to it (a foreign key without cascade).</summary>
public sealed class EntityInUseException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="entity">The entity that was to be deleted.</param>
    /// <param name="id">Its key.</param>
    /// <param name="referencingTable">The table whose rows still refer to it.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public EntityInUseException(string entity, string id, string referencingTable, Exception? innerException = null)
        : base($"{entity} '{id}' is still referenced by {referencingTable}.", innerException)
    {
        Entity = entity;
        Id = id;
        ReferencingTable = referencingTable;
    }

    /// <summary>The entity that was to be deleted.</summary>
    public string Entity { get; }

    /// <summary>Its key.</summary>
    public string Id { get; }

    /// <summary>The table whose rows still refer to it.</summary>
    public string ReferencingTable { get; }
}
