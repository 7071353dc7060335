namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>
/// The one connection that runs <c>LISTEN penguinmails_infra</c> for the feature-flag snapshot and the permission cache
/// (held while <c>FeatureFlags.ListenForChanges</c> or <c>PermissionCache.ListenForChanges</c> is on, PostgreSQL only); section
/// <c>PenguinMailsInfra:ChangeNotifications</c>.
/// </summary>
public sealed class ChangeNotificationOptions
{
    /// <summary>The smallest accepted <see cref="MaxReconnectDelay"/>.</summary>
    public static readonly TimeSpan MinMaxReconnectDelay = TimeSpan.FromSeconds(1);

    /// <summary>The largest accepted <see cref="MaxReconnectDelay"/>.</summary>
    public static readonly TimeSpan MaxMaxReconnectDelay = TimeSpan.FromHours(1);

    /// <summary>
    /// The longest wait between attempts to re-establish the LISTEN connection: the delay starts at 0.5 s and doubles per
    /// failed attempt up to this, and starts again from 0.5 s once a connection had been listening. Default 30 s; 1 s to 1 hour.
    /// </summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every broken rule, empty when the options are valid.</summary>
    /// <returns>One message per failure, each starting with the option's path below the package's section.</returns>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (MaxReconnectDelay < MinMaxReconnectDelay || MaxReconnectDelay > MaxMaxReconnectDelay)
        {
            failures.Add($"ChangeNotifications:MaxReconnectDelay must be between 1 s and 1 hour (it is {MaxReconnectDelay}).");
        }

        return failures;
    }
}
