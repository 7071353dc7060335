namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>The rules of <see cref="FeatureFlagOptions"/>.</summary>
internal static class FeatureFlagOptionsValidator
{
    internal static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan MaxRefreshInterval = TimeSpan.FromDays(1);

    /// <summary>Every broken rule, each starting with the option's path below the package's section.</summary>
    internal static List<string> Failures(FeatureFlagOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RefreshInterval < MinRefreshInterval || options.RefreshInterval > MaxRefreshInterval)
        {
            failures.Add("FeatureFlags:RefreshInterval must be between 100 ms and 1 day.");
        }

        if (options.MaxWarnedUnknownKeys < 0)
        {
            failures.Add("FeatureFlags:MaxWarnedUnknownKeys must not be negative.");
        }

        return failures;
    }
}
