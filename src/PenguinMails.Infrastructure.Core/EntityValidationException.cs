namespace PenguinMails.Infrastructure.Core;

/// <summary>
/// Thrown before any write when an entity breaks one or more rules of its table (length, precision, range, format).
/// Lists every failing field at once.
/// </summary>
public sealed class EntityValidationException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="entity">The entity type, for example <c>VpsInstance</c>.</param>
    /// <param name="errors">Every failing field; at least one.</param>
    public EntityValidationException(string entity, IReadOnlyList<FieldError> errors)
        : this(entity, errors, null) { }

    /// <summary>Initializes a new instance with the exception that caused it (for example a CHECK violation).</summary>
    /// <param name="entity">The entity type, for example <c>VpsInstance</c>.</param>
    /// <param name="errors">Every failing field; at least one.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public EntityValidationException(string entity, IReadOnlyList<FieldError> errors, Exception? innerException)
        : base(BuildMessage(entity, errors), innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(entity);
        ArgumentNullException.ThrowIfNull(errors);
        Entity = entity;
        Errors = errors;
    }

    /// <summary>The entity type that failed validation.</summary>
    public string Entity { get; }

    /// <summary>Every failing field with its rule.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    private static string BuildMessage(string entity, IReadOnlyList<FieldError> errors) =>
        errors is null || errors.Count == 0
            ? $"{entity} is invalid."
            : $"{entity} is invalid ({errors.Count} field error{(errors.Count == 1 ? "" : "s")}): "
                + string.Join(" ", errors.Select(e => e.Message));
}
