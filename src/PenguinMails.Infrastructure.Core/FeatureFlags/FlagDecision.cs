using System.Globalization;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// The decision for one flag and one subject, with its reason. <see cref="Bucket"/> and <see cref="RolloutPercentage"/>
/// are set for <see cref="FlagDecisionReason.InRollout"/> and <see cref="FlagDecisionReason.OutOfRollout"/> (the bucket
/// is 0 otherwise, the percentage is the flag's or 0 for an unknown flag).
/// </summary>
/// <param name="Reason">Why.</param>
/// <param name="Bucket">The subject's bucket, 1..100, or 0 when it was not computed.</param>
/// <param name="RolloutPercentage">The flag's rollout percentage, 0..100.</param>
public readonly record struct FlagDecision(FlagDecisionReason Reason, int Bucket, int RolloutPercentage)
{
    /// <summary>Whether the flag is on for the subject.</summary>
    public bool IsEnabled => Reason == FlagDecisionReason.InRollout;

    /// <summary>A one-line explanation, for example <c>on: bucket 17 &lt;= rollout 25</c>.</summary>
    public override string ToString() => Reason switch
    {
        FlagDecisionReason.UnknownFlag => "off: unknown flag",
        FlagDecisionReason.Disabled => "off: disabled",
        FlagDecisionReason.RolloutZero => "off: rollout 0",
        FlagDecisionReason.InRollout => string.Create(CultureInfo.InvariantCulture, $"on: bucket {Bucket} <= rollout {RolloutPercentage}"),
        FlagDecisionReason.OutOfRollout => string.Create(CultureInfo.InvariantCulture, $"off: bucket {Bucket} > rollout {RolloutPercentage}"),
        _ => Reason.ToString(),
    };
}
