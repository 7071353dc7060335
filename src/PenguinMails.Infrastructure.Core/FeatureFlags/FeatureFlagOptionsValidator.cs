using Microsoft.Extensions.Options;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>Reports every invalid <see cref="FeatureFlagOptions"/> value at once.</summary>
internal sealed class FeatureFlagOptionsValidator : IValidateOptions<FeatureFlagOptions>
{
    internal static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan MaxRefreshInterval = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, FeatureFlagOptions options)
    {
        var failures = new List<string>();
        if (options.RefreshInterval < MinRefreshInterval || options.RefreshInterval > MaxRefreshInterval)
        {
            failures.Add("FeatureFlags.RefreshInterval must be between 100 ms and 1 day.");
        }

        if (options.MaxReconnectDelay < TimeSpan.FromSeconds(1) || options.MaxReconnectDelay > TimeSpan.FromHours(1))
        {
            failures.Add("FeatureFlags.MaxReconnectDelay must be between 1 s and 1 hour.");
        }

        if (options.MaxWarnedUnknownKeys < 0)
        {
            failures.Add("FeatureFlags.MaxWarnedUnknownKeys must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
