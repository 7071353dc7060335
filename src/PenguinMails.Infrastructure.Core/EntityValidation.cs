namespace PenguinMails.Infrastructure.Core;

/// <summary>Helpers over <see cref="IValidatableEntity"/>.</summary>
public static class EntityValidation
{
    /// <summary>Throws <see cref="EntityValidationException"/> listing every failing field, unless the entity is valid.</summary>
    /// <typeparam name="TEntity">The entity type; its name is used in the message.</typeparam>
    /// <param name="entity">The entity to check.</param>
    /// <returns>The same entity, for chaining.</returns>
    /// <exception cref="EntityValidationException">At least one rule is broken.</exception>
    public static TEntity EnsureValid<TEntity>(TEntity entity)
        where TEntity : IValidatableEntity
    {
        ArgumentNullException.ThrowIfNull(entity);
        var errors = entity.Validate();
        return errors.Count == 0 ? entity : throw new EntityValidationException(typeof(TEntity).Name, errors);
    }
}
