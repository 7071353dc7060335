namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>The id of a <c>feature_flags</c> row.</summary>
/// <param name="Value">The UUID.</param>
public readonly record struct FeatureFlagId(Guid Value)
{
    /// <summary>A new, time-ordered (version 7) id.</summary>
    public static FeatureFlagId New() => new(Guid.CreateVersion7());

    /// <summary>The id as a lowercase 36-character string with hyphens.</summary>
    public override string ToString() => Value.ToString("D");
}
