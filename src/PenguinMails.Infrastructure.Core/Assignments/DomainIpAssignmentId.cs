namespace PenguinMails.Infrastructure.Core.Assignments;

/// <summary>The id of a <c>domain_ip_assignments</c> row.</summary>
/// <param name="Value">The UUID.</param>
public readonly record struct DomainIpAssignmentId(Guid Value)
{
    /// <summary>A new, time-ordered (version 7) id.</summary>
    public static DomainIpAssignmentId New() => new(Guid.CreateVersion7());

    /// <summary>The id as a lowercase 36-character string with hyphens.</summary>
    public override string ToString() => Value.ToString("D");
}
