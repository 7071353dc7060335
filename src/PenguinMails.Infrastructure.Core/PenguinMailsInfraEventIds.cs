namespace PenguinMails.Infrastructure.Core;

/// <summary>
/// The event ids of every log entry the package writes (the <c>EventId.Id</c>; the <c>EventId.Name</c> is the
/// constant's name), for filters, alerts and tests. The ranges: 5000s feature flags and change notifications, 6000s
/// staff and permissions, 7000s reliability, and the IP pools and configuration as listed. See <c>docs/observability.md</c>.
/// </summary>
public static class PenguinMailsInfraEventIds
{
    /// <summary>5001: "Feature flag '{FlagKey}' is not defined; it is off (logged once per key)."</summary>
    public const int FeatureFlagUnknownKey = 5001;

    /// <summary>5002: "More than {Limit} unknown feature flag keys were asked for; further unknown keys are off without a log entry."</summary>
    public const int FeatureFlagUnknownKeyLimit = 5002;

    /// <summary>5010: "Feature flag snapshot loaded: {Count} flags."</summary>
    public const int FeatureFlagSnapshotLoaded = 5010;

    /// <summary>5011: "Reloading the feature flag snapshot failed; the previous snapshot stays in use."</summary>
    public const int FeatureFlagRefreshFailed = 5011;

    /// <summary>5020: "Listening for feature flag changes on channel {Channel}."</summary>
    public const int FeatureFlagListening = 5020;

    /// <summary>5021: "The change-notification LISTEN connection failed; reconnecting in {Delay}. Feature flag polling continues meanwhile."</summary>
    public const int FeatureFlagListenFailed = 5021;

    /// <summary>5022: "Feature flag LISTEN is off; changes from other processes arrive by polling every {Interval}."</summary>
    public const int FeatureFlagListenDisabled = 5022;

    /// <summary>5023: "UNLISTEN on the change-notification connection failed while stopping."</summary>
    public const int FeatureFlagUnlistenFailed = 5023;

    /// <summary>5030: "Feature flag '{FlagKey}' {Change} by user {UserId}."</summary>
    public const int FeatureFlagChanged = 5030;

    /// <summary>5031: "Feature flag '{FlagKey}' changed under an update (attempt {Attempt}); retrying on the fresh row."</summary>
    public const int FeatureFlagUpdateRetried = 5031;

    /// <summary>6100: "Permission denied: user {UserId} lacks {Permission}"</summary>
    public const int PermissionDenied = 6100;

    /// <summary>6101: "Staff administration denied: user {ActingUserId} attempted {Operation} without {Permission}"</summary>
    public const int StaffAdministrationDenied = 6101;

    /// <summary>6102: "Staff administration: user {ActingUserId} performed {Operation} on {Target}"</summary>
    public const int StaffAdministrationChange = 6102;

    /// <summary>6103: "Bootstrap: user {UserId} was made administrator with role {RoleId}"</summary>
    public const int StaffAdministratorBootstrapped = 6103;

    /// <summary>6110: "Permission snapshot loaded: {MemberCount} staff members with a role"</summary>
    public const int PermissionSnapshotLoaded = 6110;

    /// <summary>6111: "Permission cache invalidated: {Reason}"</summary>
    public const int PermissionCacheInvalidated = 6111;

    /// <summary>6120: "Permission change listener connected (LISTEN penguinmails_infra)"</summary>
    public const int PermissionListenerConnected = 6120;

    /// <summary>6121: "Permission change listener failed; reconnecting in {Delay} (the time-to-live still bounds staleness)"</summary>
    public const int PermissionListenerFailed = 6121;

    /// <summary>6122: "Permission change listener stopped"</summary>
    public const int PermissionListenerStopped = 6122;

    /// <summary>6200: "System config {Key} written by user {UserId} (sensitive: {IsSensitive})"</summary>
    public const int SystemConfigWritten = 6200;

    /// <summary>6201: "Sensitive system config {Key} read unmasked by user {UserId}"</summary>
    public const int SensitiveConfigRead = 6201;

    /// <summary>6202: "System config {Key}: user {UserId} denied {Operation} without {Permission}"</summary>
    public const int SystemConfigDenied = 6202;

    /// <summary>6203: "System config {Key} cannot be read as {TargetType}"</summary>
    public const int SystemConfigWrongShape = 6203;

    /// <summary>7000: "Allocated IP {IpId} to domain {DomainId} (assignment {AssignmentId}, IP status {FromStatus} -&gt; {ToStatus}, assigned_count {AssignedCount})"</summary>
    public const int IpAllocated = 7000;

    /// <summary>7001: "No IP for domain {DomainId}: {Reason} ({Considered} considered, {AtCapacity} at capacity, {Locked} locked)"</summary>
    public const int IpPoolExhausted = 7001;

    /// <summary>7002: "Every fitting IP for domain {DomainId} was locked by concurrent allocations ({Locked}); attempt {Attempt} of {Attempts}"</summary>
    public const int IpAllocationLockRetry = 7002;

    /// <summary>7010: "Expired assignment {AssignmentId} of domain {DomainId} on IP {IpId} (IP status {FromStatus} -&gt; {ToStatus})"</summary>
    public const int IpAssignmentRotatedOut = 7010;

    /// <summary>7011: "Domain {DomainId} moved from IP {FromIpId} to IP {ToIpId} (new assignment {AssignmentId})"</summary>
    public const int IpAssignmentReplaced = 7011;

    /// <summary>7012: "Kept expired assignment {AssignmentId} of domain {DomainId}: it is the domain's last active IP and no replacement fits ({Reason})"</summary>
    public const int IpAssignmentKept = 7012;

    /// <summary>7013: "IP rotation at {At}: {Examined} examined, {Expired} expired, {Replaced} replaced, {Kept} kept, {Skipped} skipped"</summary>
    public const int IpRotationCompleted = 7013;

    /// <summary>7014: "Rotation skipped assignment {AssignmentId}: {Reason}"</summary>
    public const int IpRotationSkipped = 7014;

    /// <summary>7020: "VPS instance {VpsId} scheduled for decommission at {At}"</summary>
    public const int VpsDecommissionScheduled = 7020;

    /// <summary>7021: "Decommission plan for VPS instance {VpsId}: {Steps} assignments, {Unplaceable} unplaceable"</summary>
    public const int VpsDecommissionPlanned = 7021;

    /// <summary>7022: "Decommission of VPS instance {VpsId}: assignment {AssignmentId} of domain {DomainId} moved to IP {ToIpId}"</summary>
    public const int VpsDecommissionMoveApplied = 7022;

    /// <summary>7023: "Decommission of VPS instance {VpsId}: assignment {AssignmentId} not moved ({Outcome})"</summary>
    public const int VpsDecommissionMoveNotApplied = 7023;

    /// <summary>7024: "VPS instance {VpsId} decommissioned"</summary>
    public const int VpsDecommissionCompleted = 7024;

    /// <summary>7025: "VPS instance {VpsId} cannot be decommissioned: its IPs hold {Count} non-expired assignments"</summary>
    public const int VpsDecommissionBlocked = 7025;

    /// <summary>7100: "SMTP IP {IpId} moved '{From}' → '{To}' by the reputation policy, reason {Reason}: {Explanation}."</summary>
    public const int ReputationMoveApplied = 7100;

    /// <summary>7101: "Reputation move of SMTP IP {IpId} '{From}' → '{To}' (reason {Reason}) not made: the row changed or vanished since it was read ({Error})."</summary>
    public const int ReputationMoveLostRace = 7101;

    /// <summary>7120: "Assignment {AssignmentId} completed warmup plan '{Plan}': warmup state 'warming' → 'warmed'."</summary>
    public const int WarmupAssignmentWarmed = 7120;

    /// <summary>7121: "SMTP IP {IpId} is warmed: no assignment is still warming; status 'warming' → 'warmed'."</summary>
    public const int WarmupIpWarmed = 7121;

    /// <summary>7122: "SMTP IP {IpId} unused for {UnusedDays} days needs warming again: status '{From}' → 'warming'."</summary>
    public const int WarmupIpRewarming = 7122;

    /// <summary>7123: "Warmup move of {Entity} {Id} not made: the row changed or vanished since it was read ({Error})."</summary>
    public const int WarmupLostRace = 7123;

    /// <summary>7200: "Transient database failure during {Entity} operation ({ExceptionType}); retry {Attempt} in {DelayMs} ms"</summary>
    public const int TransientRetry = 7200;
}
