using System.Globalization;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Thrown when a VPS instance cannot be decommissioned because its IPs still hold non-expired domain assignments.
/// Move them first (<see cref="IVpsDecommissionPlanner.PlanAsync"/>, <see cref="IVpsDecommissionPlanner.ApplyAsync"/>)
/// or let them expire. Nothing was written.
/// </summary>
public sealed class VpsDecommissionBlockedException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="vpsInstanceId">The instance.</param>
    /// <param name="nonExpiredAssignments">How many non-expired assignments its IPs hold.</param>
    public VpsDecommissionBlockedException(VpsInstanceId vpsInstanceId, long nonExpiredAssignments)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"VpsInstance '{vpsInstanceId}' cannot be decommissioned: its IPs hold {nonExpiredAssignments} non-expired domain assignment(s) (rule: no non-expired assignment may remain; move them with a decommission plan or let them expire)."))
    {
        VpsInstanceId = vpsInstanceId;
        NonExpiredAssignments = nonExpiredAssignments;
    }

    /// <summary>The instance.</summary>
    public VpsInstanceId VpsInstanceId { get; }

    /// <summary>How many non-expired assignments its IPs hold.</summary>
    public long NonExpiredAssignments { get; }
}
