namespace PenguinMails.Infrastructure.Core;

/// <summary>An entity that can check itself against the rules of its table before it is written.</summary>
public interface IValidatableEntity
{
    /// <summary>Every rule the entity breaks; empty when it may be written.</summary>
    IReadOnlyList<FieldError> Validate();
}
