namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// Answers "is this flag on for this subject?" from the current in-memory snapshot: never a database round trip, no
/// allocation. An unknown key is off (and logged once per key).
/// </summary>
public interface IFeatureFlagEvaluator
{
    /// <summary>Whether the flag is on for a subject.</summary>
    /// <param name="flagKey">The flag key.</param>
    /// <param name="subjectId">The subject's id (a user id by default).</param>
    bool IsEnabled(string flagKey, Guid subjectId);

    /// <summary>Whether the flag is on for a user.</summary>
    /// <param name="flagKey">The flag key.</param>
    /// <param name="userId">The user.</param>
    bool IsEnabled(string flagKey, UserId userId);

    /// <summary>Whether the flag is on for a whole tenant (a tenant-wide rollout buckets the tenant id).</summary>
    /// <param name="flagKey">The flag key.</param>
    /// <param name="tenantId">The tenant.</param>
    bool IsEnabled(string flagKey, TenantId tenantId);

    /// <summary>The decision for a subject with its reason (unknown flag, disabled, rollout 0, bucket N against P).</summary>
    /// <param name="flagKey">The flag key.</param>
    /// <param name="subjectId">The subject's id.</param>
    FlagDecision Explain(string flagKey, Guid subjectId);
}
