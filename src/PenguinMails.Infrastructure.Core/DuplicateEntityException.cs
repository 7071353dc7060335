namespace PenguinMails.Infrastructure.Core;

/// <summary>Thrown when a write would break a unique key (primary key or unique constraint). Nothing was written.</summary>
public sealed class DuplicateEntityException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="entity">The entity type.</param>
    /// <param name="key">The unique key broken, for example <c>hostwinds_instance_id</c>.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public DuplicateEntityException(string entity, string key, Exception? innerException = null)
        : base($"{entity} with the same {key} already exists.", innerException)
    {
        Entity = entity;
        Key = key;
    }

    /// <summary>The entity type.</summary>
    public string Entity { get; }

    /// <summary>The unique key (column list or constraint) that was broken.</summary>
    public string Key { get; }
}
