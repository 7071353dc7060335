namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>Filters for listing and counting permissions; null members do not filter.</summary>
/// <param name="Category">Only permissions in this category (exact match).</param>
public sealed record PermissionFilter(string? Category = null);
