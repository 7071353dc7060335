namespace PenguinMails.Infrastructure.Core;

/// <summary>The id of a row of the host platform's <c>users</c> table.</summary>
/// <param name="Value">The UUID.</param>
public readonly record struct UserId(Guid Value)
{
    /// <summary>A new, time-ordered (version 7) id.</summary>
    public static UserId New() => new(Guid.CreateVersion7());

    /// <summary>The id as a lowercase 36-character string with hyphens.</summary>
    public override string ToString() => Value.ToString("D");
}
