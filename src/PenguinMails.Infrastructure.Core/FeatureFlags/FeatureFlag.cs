namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// A row of <c>feature_flags</c>: a feature switched on for a percentage of subjects. An immutable snapshot; change it
/// with <c>with</c> and write it through a repository.
/// </summary>
public sealed record FeatureFlag : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "feature_flags";

    /// <summary>The longest key, from <c>key</c> VARCHAR(100).</summary>
    public const int MaxKeyLength = 100;

    /// <summary><c>id</c> UUID PRIMARY KEY.</summary>
    public FeatureFlagId Id { get; init; } = FeatureFlagId.New();

    /// <summary>
    /// <c>key</c> VARCHAR(100) UNIQUE NOT NULL: lowercase ASCII, starting with a letter or digit, then letters, digits,
    /// <c>.</c>, <c>_</c> or <c>-</c>; at most 100 characters. The key also seeds the rollout bucketing, so renaming a
    /// flag reshuffles its subjects.
    /// </summary>
    public required string Key { get; init; }

    /// <summary><c>description</c> TEXT.</summary>
    public string? Description { get; init; }

    /// <summary><c>is_enabled</c> BOOLEAN DEFAULT FALSE: the master switch.</summary>
    public bool IsEnabled { get; init; }

    /// <summary><c>rollout_percentage</c> INTEGER DEFAULT 0, 0..100: the share of subjects that get the feature when enabled.</summary>
    public int RolloutPercentage { get; init; }

    /// <summary><c>updated_by</c> UUID REFERENCES users(id): who made the last change, when known.</summary>
    public UserId? UpdatedBy { get; init; }

    /// <summary><c>updated</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on every write.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <summary>Whether <paramref name="key"/> is a valid flag key (format and length).</summary>
    /// <param name="key">The candidate key.</param>
    public static bool IsValidKey(string? key) => FieldRules.IsLowercaseKey(key, MaxKeyLength);

    /// <inheritdoc />
    public IReadOnlyList<FieldError> Validate() =>
        new FieldRules()
            .NotEmpty("id", Id.Value)
            .LowercaseKey("key", Key, MaxKeyLength, "flag_key")
            .Text("description", Description, null)
            .Range("rollout_percentage", RolloutPercentage, 0, 100)
            .NotEmpty("updated_by", UpdatedBy?.Value)
            .Errors;
}
