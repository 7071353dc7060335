namespace PenguinMails.Infrastructure.Core.Assignments;

/// <summary>
/// The lifecycle of <c>domain_ip_assignments.status</c>:
/// scheduled → warming | active | expired; warming → active | expired; active → expired; expired is terminal.
/// </summary>
public static class DomainIpAssignmentLifecycle
{
    /// <summary>The transition table.</summary>
    public static Lifecycle<DomainIpAssignmentStatus> Definition { get; } = new(
        nameof(DomainIpAssignment),
        DomainIpAssignmentStatus.Scheduled,
        DomainIpAssignmentStatusExtensions.Map,
        (
            DomainIpAssignmentStatus.Scheduled,
            [DomainIpAssignmentStatus.Warming, DomainIpAssignmentStatus.Active, DomainIpAssignmentStatus.Expired]
        ),
        (DomainIpAssignmentStatus.Warming, [DomainIpAssignmentStatus.Active, DomainIpAssignmentStatus.Expired]),
        (DomainIpAssignmentStatus.Active, [DomainIpAssignmentStatus.Expired]),
        (DomainIpAssignmentStatus.Expired, [])
    );

    /// <summary>
    /// Applies a status change and its side rule to a snapshot, without writing anything: entering <c>expired</c>
    /// sets <see cref="DomainIpAssignment.Expires"/> to <paramref name="now"/> when it is empty or still ahead (an
    /// expired assignment never expires in the future); <see cref="DomainIpAssignment.Updated"/> becomes
    /// <paramref name="now"/>. <see cref="DomainIpAssignment.WarmupState"/> is not touched (see
    /// <see cref="WarmupStateLifecycle"/>).
    /// </summary>
    /// <param name="assignment">The current snapshot.</param>
    /// <param name="to">The requested status.</param>
    /// <param name="now">The current time (from a <see cref="TimeProvider"/>).</param>
    /// <returns>The snapshot after the change.</returns>
    /// <exception cref="InvalidStatusTransitionException">The move is not allowed.</exception>
    public static DomainIpAssignment Apply(DomainIpAssignment assignment, DomainIpAssignmentStatus to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        Definition.EnsureCanTransition(assignment.Id.ToString(), assignment.Status, to);
        var utcNow = now.ToUniversalTime();
        return to == DomainIpAssignmentStatus.Expired && (assignment.Expires is null || assignment.Expires > utcNow)
            ? assignment with { Status = to, Expires = utcNow, Updated = utcNow }
            : assignment with { Status = to, Updated = utcNow };
    }
}
