namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// How the in-memory flag snapshot is kept current. Set them through <c>PenguinMailsInfraOptions.FeatureFlags</c> (in code,
/// or bound from the section <c>PenguinMailsInfra:FeatureFlags</c>); a <c>services.Configure&lt;FeatureFlagOptions&gt;</c>
/// of the application is applied after those values and wins where both set one.
/// </summary>
public sealed class FeatureFlagOptions
{
    /// <summary>The conventional configuration section name, below <c>PenguinMailsInfra</c>.</summary>
    public const string SectionName = "PenguinMailsInfra:FeatureFlags";

    /// <summary>
    /// How often the snapshot is reloaded whatever else happens: the longest a change made by another process can take to
    /// arrive when notifications are lost or disabled. Default 30 seconds; 100 ms to 1 day.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// On PostgreSQL, hold one connection that runs <c>LISTEN penguinmails_infra</c> and reload at once when
    /// <c>feature_flags</c> changes. Default true. Turn it off where LISTEN does not work (PgBouncer in transaction mode):
    /// polling alone still works. The reconnect delay is <c>ChangeNotifications.MaxReconnectDelay</c>.
    /// </summary>
    public bool ListenForChanges { get; set; } = true;

    /// <summary>How many unknown flag keys are logged (once each); later unknown keys are still off but not logged. Default 1,000.</summary>
    public int MaxWarnedUnknownKeys { get; set; } = 1000;
}
