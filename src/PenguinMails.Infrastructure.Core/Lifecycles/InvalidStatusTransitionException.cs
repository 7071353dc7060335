namespace PenguinMails.Infrastructure.Core.Lifecycles;

/// <summary>Thrown when a status change is not allowed by the entity's lifecycle. Nothing was written.</summary>
public sealed class InvalidStatusTransitionException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="entity">The entity type, for example <c>VpsInstance</c>.</param>
    /// <param name="id">The key of the row.</param>
    /// <param name="from">The current status (database string).</param>
    /// <param name="to">The requested status (database string).</param>
    /// <param name="allowedTargets">The statuses that may follow <paramref name="from"/> (database strings).</param>
    public InvalidStatusTransitionException(
        string entity,
        string id,
        string from,
        string to,
        IReadOnlyList<string> allowedTargets
    )
        : base(
            $"{entity} '{id}' cannot move from '{from}' to '{to}'; allowed from '{from}': "
                + (allowedTargets.Count == 0 ? "none (terminal)" : string.Join(", ", allowedTargets.Select(t => $"'{t}'")))
                + "."
        )
    {
        Entity = entity;
        Id = id;
        From = from;
        To = to;
        AllowedTargets = allowedTargets;
    }

    /// <summary>The entity type.</summary>
    public string Entity { get; }

    /// <summary>The key of the row.</summary>
    public string Id { get; }

    /// <summary>The current status (database string).</summary>
    public string From { get; }

    /// <summary>The requested status (database string).</summary>
    public string To { get; }

    /// <summary>The statuses allowed after <see cref="From"/> (database strings); empty when it is terminal.</summary>
    public IReadOnlyList<string> AllowedTargets { get; }
}
