using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// Log messages of the Staff area. Event ids are stable (a SIEM may match on them): 6100–6199. No message carries a
/// secret: only user ids, role ids and permission names.
/// </summary>
internal static partial class StaffLog
{
    [LoggerMessage(EventId = PenguinMailsInfraEventIds.PermissionDenied, EventName = nameof(PenguinMailsInfraEventIds.PermissionDenied), Level = LogLevel.Warning, Message = "Permission denied: user {UserId} lacks {Permission}")]
    public static partial void PermissionDenied(ILogger logger, UserId userId, string permission);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.StaffAdministrationDenied, EventName = nameof(PenguinMailsInfraEventIds.StaffAdministrationDenied), Level = LogLevel.Warning, Message = "Staff administration denied: user {ActingUserId} attempted {Operation} without {Permission}")]
    public static partial void AdministrationDenied(ILogger logger, UserId actingUserId, string operation, string permission);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.StaffAdministrationChange, EventName = nameof(PenguinMailsInfraEventIds.StaffAdministrationChange), Level = LogLevel.Information, Message = "Staff administration: user {ActingUserId} performed {Operation} on {Target}")]
    public static partial void AdministrationChange(ILogger logger, UserId actingUserId, string operation, string target);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.StaffAdministratorBootstrapped, EventName = nameof(PenguinMailsInfraEventIds.StaffAdministratorBootstrapped), Level = LogLevel.Warning, Message = "Bootstrap: user {UserId} was made administrator with role {RoleId}")]
    public static partial void AdministratorBootstrapped(ILogger logger, UserId userId, StaffRoleId roleId);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.PermissionSnapshotLoaded, EventName = nameof(PenguinMailsInfraEventIds.PermissionSnapshotLoaded), Level = LogLevel.Debug, Message = "Permission snapshot loaded: {MemberCount} staff members with a role")]
    public static partial void SnapshotLoaded(ILogger logger, int memberCount);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.PermissionCacheInvalidated, EventName = nameof(PenguinMailsInfraEventIds.PermissionCacheInvalidated), Level = LogLevel.Debug, Message = "Permission cache invalidated: {Reason}")]
    public static partial void CacheInvalidated(ILogger logger, string reason);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.PermissionListenerConnected, EventName = nameof(PenguinMailsInfraEventIds.PermissionListenerConnected), Level = LogLevel.Information, Message = "Permission change listener connected (LISTEN penguinmails_infra)")]
    public static partial void ListenerConnected(ILogger logger);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.PermissionListenerFailed, EventName = nameof(PenguinMailsInfraEventIds.PermissionListenerFailed), Level = LogLevel.Error, Message = "Permission change listener failed; reconnecting in {Delay} (the time-to-live still bounds staleness)")]
    public static partial void ListenerFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.PermissionListenerStopped, EventName = nameof(PenguinMailsInfraEventIds.PermissionListenerStopped), Level = LogLevel.Information, Message = "Permission change listener stopped")]
    public static partial void ListenerStopped(ILogger logger);
}
