using Microsoft.Extensions.Logging;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Log messages of IP allocation, rotation and decommission planning (event ids 7000–7049). Ids and database status
/// strings only; no addresses, no secrets.
/// </summary>
internal static partial class IpAllocationLog
{
    [LoggerMessage(EventId = 7000, EventName = "IpAllocated", Level = LogLevel.Information, Message = "Allocated IP {IpId} to domain {DomainId} (assignment {AssignmentId}, IP status {FromStatus} -> {ToStatus}, assigned_count {AssignedCount})")]
    public static partial void Allocated(ILogger logger, DomainId domainId, SmtpIpAddressId ipId, DomainIpAssignmentId assignmentId, string fromStatus, string toStatus, int assignedCount);

    [LoggerMessage(EventId = 7001, EventName = "IpPoolExhausted", Level = LogLevel.Warning, Message = "No IP for domain {DomainId}: {Reason} ({Considered} considered, {AtCapacity} at capacity, {Locked} locked)")]
    public static partial void Exhausted(ILogger logger, DomainId domainId, IpPoolExhaustionReason reason, int considered, int atCapacity, int locked);

    [LoggerMessage(EventId = 7002, EventName = "IpAllocationLockRetry", Level = LogLevel.Debug, Message = "Every fitting IP for domain {DomainId} was locked by concurrent allocations ({Locked}); attempt {Attempt} of {Attempts}")]
    public static partial void LockRetry(ILogger logger, DomainId domainId, int locked, int attempt, int attempts);

    [LoggerMessage(EventId = 7010, EventName = "IpAssignmentRotatedOut", Level = LogLevel.Information, Message = "Expired assignment {AssignmentId} of domain {DomainId} on IP {IpId} (IP status {FromStatus} -> {ToStatus})")]
    public static partial void Expired(ILogger logger, DomainIpAssignmentId assignmentId, DomainId? domainId, SmtpIpAddressId? ipId, string fromStatus, string toStatus);

    [LoggerMessage(EventId = 7011, EventName = "IpAssignmentReplaced", Level = LogLevel.Information, Message = "Domain {DomainId} moved from IP {FromIpId} to IP {ToIpId} (new assignment {AssignmentId})")]
    public static partial void Replaced(ILogger logger, DomainId? domainId, SmtpIpAddressId? fromIpId, SmtpIpAddressId toIpId, DomainIpAssignmentId assignmentId);

    [LoggerMessage(EventId = 7012, EventName = "IpAssignmentKept", Level = LogLevel.Warning, Message = "Kept expired assignment {AssignmentId} of domain {DomainId}: it is the domain's last active IP and no replacement fits ({Reason})")]
    public static partial void Kept(ILogger logger, DomainIpAssignmentId assignmentId, DomainId? domainId, IpPoolExhaustionReason reason);

    [LoggerMessage(EventId = 7013, EventName = "IpRotationCompleted", Level = LogLevel.Information, Message = "IP rotation at {At}: {Examined} examined, {Expired} expired, {Replaced} replaced, {Kept} kept, {Skipped} skipped")]
    public static partial void RotationCompleted(ILogger logger, DateTimeOffset at, int examined, int expired, int replaced, int kept, int skipped);

    [LoggerMessage(EventId = 7014, EventName = "IpRotationSkipped", Level = LogLevel.Debug, Message = "Rotation skipped assignment {AssignmentId}: {Reason}")]
    public static partial void RotationSkipped(ILogger logger, DomainIpAssignmentId assignmentId, string reason);

    [LoggerMessage(EventId = 7020, EventName = "VpsDecommissionScheduled", Level = LogLevel.Information, Message = "VPS instance {VpsId} scheduled for decommission at {At}")]
    public static partial void DecommissionScheduled(ILogger logger, VpsInstanceId vpsId, DateTimeOffset? at);

    [LoggerMessage(EventId = 7021, EventName = "VpsDecommissionPlanned", Level = LogLevel.Information, Message = "Decommission plan for VPS instance {VpsId}: {Steps} assignments, {Unplaceable} unplaceable")]
    public static partial void DecommissionPlanned(ILogger logger, VpsInstanceId vpsId, int steps, int unplaceable);

    [LoggerMessage(EventId = 7022, EventName = "VpsDecommissionMoveApplied", Level = LogLevel.Information, Message = "Decommission of VPS instance {VpsId}: assignment {AssignmentId} of domain {DomainId} moved to IP {ToIpId}")]
    public static partial void MoveApplied(ILogger logger, VpsInstanceId vpsId, DomainIpAssignmentId assignmentId, DomainId? domainId, SmtpIpAddressId toIpId);

    [LoggerMessage(EventId = 7023, EventName = "VpsDecommissionMoveNotApplied", Level = LogLevel.Warning, Message = "Decommission of VPS instance {VpsId}: assignment {AssignmentId} not moved ({Outcome})")]
    public static partial void MoveNotApplied(ILogger logger, VpsInstanceId vpsId, DomainIpAssignmentId assignmentId, string outcome);

    [LoggerMessage(EventId = 7024, EventName = "VpsDecommissionCompleted", Level = LogLevel.Information, Message = "VPS instance {VpsId} decommissioned")]
    public static partial void DecommissionCompleted(ILogger logger, VpsInstanceId vpsId);

    [LoggerMessage(EventId = 7025, EventName = "VpsDecommissionBlocked", Level = LogLevel.Warning, Message = "VPS instance {VpsId} cannot be decommissioned: its IPs hold {Count} non-expired assignments")]
    public static partial void DecommissionBlocked(ILogger logger, VpsInstanceId vpsId, long count);
}
