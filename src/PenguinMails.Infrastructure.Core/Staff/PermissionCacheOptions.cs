namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// How long the permission checker may serve a cached snapshot. Revocation latency is a security property: a change
/// made in another process becomes visible here within <see cref="TimeToLive"/> at most, and within the NOTIFY delivery
/// time (milliseconds) when <see cref="ListenForChanges"/> is on and the listener is connected. Set them through
/// <c>PenguinMailsInfraOptions.PermissionCache</c> (in code, or bound from the section <c>PenguinMailsInfra:PermissionCache</c>);
/// a <c>services.Configure&lt;PermissionCacheOptions&gt;</c> of the application is applied after those values and wins
/// where both set one.
/// </summary>
public sealed class PermissionCacheOptions
{
    /// <summary>The largest accepted <see cref="TimeToLive"/>.</summary>
    public static readonly TimeSpan MaxTimeToLive = TimeSpan.FromHours(1);

    /// <summary>The default <see cref="TimeToLive"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultTimeToLive = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a snapshot is used after it was loaded, whatever notifications say: the upper bound on how late a
    /// revocation made in another process takes effect. Greater than zero, at most <see cref="MaxTimeToLive"/>.
    /// </summary>
    public TimeSpan TimeToLive { get; set; } = DefaultTimeToLive;

    /// <summary>
    /// Whether to hold one connection that runs <c>LISTEN penguinmails_infra</c> and reloads on staff changes (PostgreSQL
    /// only). Turn it off behind PgBouncer in transaction or statement pooling mode, where LISTEN does not work; the
    /// time-to-live is then the only bound. The reconnect delay is <c>ChangeNotifications.MaxReconnectDelay</c>.
    /// </summary>
    public bool ListenForChanges { get; set; } = true;

    /// <summary>Every broken rule, empty when the options are valid.</summary>
    /// <returns>One message per failure.</returns>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (TimeToLive <= TimeSpan.Zero || TimeToLive > MaxTimeToLive)
        {
            failures.Add($"PermissionCache:TimeToLive must be greater than zero and at most {MaxTimeToLive} (it is {TimeToLive}).");
        }

        return failures;
    }
}
