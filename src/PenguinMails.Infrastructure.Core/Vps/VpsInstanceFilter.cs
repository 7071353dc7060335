namespace PenguinMails.Infrastructure.Core.Vps;

/// <summary>Filters for listing and counting VPS instances; null members do not filter.</summary>
/// <param name="Status">Only instances in this status.</param>
/// <param name="Region">Only instances in this region (exact match).</param>
public sealed record VpsInstanceFilter(VpsInstanceStatus? Status = null, string? Region = null);
