namespace PenguinMails.Infrastructure.Core;

/// <summary>Thrown by an operation that needs an existing row (update, status change, delete) when there is none.</summary>
public sealed class EntityNotFoundException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="entity">The entity type, for example <c>VpsInstance</c>.</param>
    /// <param name="id">The key looked for.</param>
    public EntityNotFoundException(string entity, string id)
        : base($"{entity} '{id}' was not found.")
    {
        Entity = entity;
        Id = id;
    }

    /// <summary>The entity type.</summary>
    public string Entity { get; }

    /// <summary>The key looked for.</summary>
    public string Id { get; }
}
