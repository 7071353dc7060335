using PenguinMails.Infrastructure.Core.Internal;

namespace PenguinMails.Infrastructure.Core.Assignments;

/// <summary>The <c>domain_ip_assignments.status</c> values. See <see cref="DomainIpAssignmentLifecycle"/> for the allowed moves.</summary>
public enum DomainIpAssignmentStatus
{
    /// <summary><c>active</c>: the domain sends through the IP.</summary>
    Active = 1,

    /// <summary><c>warming</c>: the domain sends through the IP at a controlled, growing volume.</summary>
    Warming = 2,

    /// <summary><c>scheduled</c>: planned, not yet in use; the initial status.</summary>
    Scheduled = 3,

    /// <summary><c>expired</c>: no longer in use (terminal).</summary>
    Expired = 4,
}

/// <summary>Conversions of <see cref="DomainIpAssignmentStatus"/> to and from its database strings.</summary>
public static class DomainIpAssignmentStatusExtensions
{
    internal static readonly DbEnumMap<DomainIpAssignmentStatus> Map = new(
        DomainIpAssignment.TableName,
        "status",
        (DomainIpAssignmentStatus.Active, "active"),
        (DomainIpAssignmentStatus.Warming, "warming"),
        (DomainIpAssignmentStatus.Scheduled, "scheduled"),
        (DomainIpAssignmentStatus.Expired, "expired")
    );

    /// <summary>The database string, for example <c>scheduled</c>.</summary>
    /// <param name="status">The status.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined status.</exception>
    public static string ToDatabaseValue(this DomainIpAssignmentStatus status) => Map.ToDb(status);
}
