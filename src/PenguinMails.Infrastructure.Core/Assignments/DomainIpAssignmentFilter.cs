namespace PenguinMails.Infrastructure.Core.Assignments;

/// <summary>Filters for listing and counting domain-IP assignments; null members do not filter.</summary>
/// <param name="DomainId">Only assignments of this domain.</param>
/// <param name="SmtpIpAddressId">Only assignments to this IP.</param>
/// <param name="Status">Only assignments in this status.</param>
/// <param name="ExpiringBefore">Only assignments whose <c>expires</c> is set and earlier than this instant.</param>
public sealed record DomainIpAssignmentFilter(
    DomainId? DomainId = null,
    SmtpIpAddressId? SmtpIpAddressId = null,
    DomainIpAssignmentStatus? Status = null,
    DateTimeOffset? ExpiringBefore = null
);
