namespace PenguinMails.Infrastructure.Core;

/// <summary>One page of a list.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items, in key order.</param>
/// <param name="ContinuationToken">Pass it in the next <see cref="PageRequest"/>; null when this is the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken)
{
    /// <summary>Whether another page may follow.</summary>
    public bool HasMore => ContinuationToken is not null;
}
