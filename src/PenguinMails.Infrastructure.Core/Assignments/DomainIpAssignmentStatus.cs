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
