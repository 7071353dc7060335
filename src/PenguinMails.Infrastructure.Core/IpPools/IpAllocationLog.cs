using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Log messages of IP allocation, rotation and decommission planning (event ids 7000–7049). Ids and database status
/// strings only; no addresses, no secrets.
/// </summary>
internal static partial class IpAllocationLog
{
    [LoggerMessage(EventId = PenguinMailsInfraEventIds.IpAllocated, EventName = nameof(PenguinMailsInfraEventIds.IpAllocated), Level = LogLevel.Information, Message = "Allocated IP {IpId} to domain {DomainId} (assignment {AssignmentId}, IP status {FromStatus} -> {ToStatus}, assigned_count {AssignedCount})")]
    public static partial void Allocated(ILogger logger, DomainId domainId, SmtpIpAddressId ipId, DomainIpAssignmentId assignmentId, string fromStatus, string toStatus, int assignedCount);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.IpPoolExhausted, EventName = nameof(PenguinMailsInfraEventIds.IpPoolExhausted), Level = LogLevel.Warning, Message = "No IP for domain {DomainId}: {Reason} ({Considered} considered, {AtCapacity} at capacity, {Locked} locked)")]
    public static partial void Exhausted(ILogger logger, DomainId domainId, IpPoolExhaustionReason reason, int considered, int atCapacity, int locked);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.IpAllocationLockRetry, EventName = nameof(PenguinMailsInfraEventIds.IpAllocationLockRetry), Level = LogLevel.Debug, Message = "Every fitting IP for domain {DomainId} was locked by concurrent allocations ({Locked}); attempt {Attempt} of {Attempts}")]
    public static partial void LockRetry(ILogger logger, DomainId domainId, int locked, int attempt, int attempts);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.IpAssignmentRotatedOut, EventName = nameof(PenguinMailsInfraEventIds.IpAssignmentRotatedOut), Level = LogLevel.Information, Message = "Expired assignment {AssignmentId} of domain {DomainId} on IP {IpId} (IP status {FromStatus} -> {ToStatus})")]
    public static partial void Expired(ILogger logger, DomainIpAssignmentId assignmentId, DomainId? domainId, SmtpIpAddressId? ipId, string fromStatus, string toStatus);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.IpAssignmentReplaced, EventName = nameof(PenguinMailsInfraEventIds.IpAssignmentReplaced), Level = LogLevel.Information, Message = "Domain {DomainId} moved from IP {FromIpId} to IP {ToIpId} (new assignment {AssignmentId})")]
    public static partial void Replaced(ILogger logger, DomainId? domainId, SmtpIpAddressId? fromIpId, SmtpIpAddressId toIpId, DomainIpAssignmentId assignmentId);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.IpAssignmentKept, EventName = nameof(PenguinMailsInfraEventIds.IpAssignmentKept), Level = LogLevel.Warning, Message = "Kept expired assignment {AssignmentId} of domain {DomainId}: it is the domain's last active IP and no replacement fits ({Reason})")]
    public static partial void Kept(ILogger logger, DomainIpAssignmentId assignmentId, DomainId? domainId, IpPoolExhaustionReason reason);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.IpRotationCompleted, EventName = nameof(PenguinMailsInfraEventIds.IpRotationCompleted), Level = LogLevel.Information, Message = "IP rotation at {At}: {Examined} examined, {Expired} expired, {Replaced} replaced, {Kept} kept, {Skipped} skipped")]
    public static partial void RotationCompleted(ILogger logger, DateTimeOffset at, int examined, int expired, int replaced, int kept, int skipped);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.IpRotationSkipped, EventName = nameof(PenguinMailsInfraEventIds.IpRotationSkipped), Level = LogLevel.Debug, Message = "Rotation skipped assignment {AssignmentId}: {Reason}")]
    public static partial void RotationSkipped(ILogger logger, DomainIpAssignmentId assignmentId, string reason);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.VpsDecommissionScheduled, EventName = nameof(PenguinMailsInfraEventIds.VpsDecommissionScheduled), Level = LogLevel.Information, Message = "VPS instance {VpsId} scheduled for decommission at {At}")]
    public static partial void DecommissionScheduled(ILogger logger, VpsInstanceId vpsId, DateTimeOffset? at);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.VpsDecommissionPlanned, EventName = nameof(PenguinMailsInfraEventIds.VpsDecommissionPlanned), Level = LogLevel.Information, Message = "Decommission plan for VPS instance {VpsId}: {Steps} assignments, {Unplaceable} unplaceable")]
    public static partial void DecommissionPlanned(ILogger logger, VpsInstanceId vpsId, int steps, int unplaceable);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.VpsDecommissionMoveApplied, EventName = nameof(PenguinMailsInfraEventIds.VpsDecommissionMoveApplied), Level = LogLevel.Information, Message = "Decommission of VPS instance {VpsId}: assignment {AssignmentId} of domain {DomainId} moved to IP {ToIpId}")]
    public static partial void MoveApplied(ILogger logger, VpsInstanceId vpsId, DomainIpAssignmentId assignmentId, DomainId? domainId, SmtpIpAddressId toIpId);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.VpsDecommissionMoveNotApplied, EventName = nameof(PenguinMailsInfraEventIds.VpsDecommissionMoveNotApplied), Level = LogLevel.Warning, Message = "Decommission of VPS instance {VpsId}: assignment {AssignmentId} not moved ({Outcome})")]
    public static partial void MoveNotApplied(ILogger logger, VpsInstanceId vpsId, DomainIpAssignmentId assignmentId, string outcome);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.VpsDecommissionCompleted, EventName = nameof(PenguinMailsInfraEventIds.VpsDecommissionCompleted), Level = LogLevel.Information, Message = "VPS instance {VpsId} decommissioned")]
    public static partial void DecommissionCompleted(ILogger logger, VpsInstanceId vpsId);

    [LoggerMessage(EventId = PenguinMailsInfraEventIds.VpsDecommissionBlocked, EventName = nameof(PenguinMailsInfraEventIds.VpsDecommissionBlocked), Level = LogLevel.Warning, Message = "VPS instance {VpsId} cannot be decommissioned: its IPs hold {Count} non-expired assignments")]
    public static partial void DecommissionBlocked(ILogger logger, VpsInstanceId vpsId, long count);
}
