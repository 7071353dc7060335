namespace PenguinMails.Infrastructure.Core.Assignments;

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
