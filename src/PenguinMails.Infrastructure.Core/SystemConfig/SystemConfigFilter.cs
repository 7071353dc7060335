namespace PenguinMails.Infrastructure.Core.SystemConfig;

/// <summary>Filters for listing and counting system configuration entries; null members do not filter.</summary>
/// <param name="Category">Only entries of this category (exact match).</param>
public sealed record SystemConfigFilter(string? Category = null);
