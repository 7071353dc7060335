namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>An acknowledged allocation: the new assignment and the IP as stored after it.</summary>
/// <param name="Assignment">The new assignment (status <c>active</c>, or <c>warming</c> on a warming IP).</param>
/// <param name="Ip">The IP after the allocation: <c>assigned_count</c> one higher, status moved along its lifecycle.</param>
/// <param name="PreviousIpStatus">The IP's status before (available and warmed become assigned; assigned and warming stay).</param>
public sealed record IpAllocation(DomainIpAssignment Assignment, SmtpIpAddress Ip, SmtpIpAddressStatus PreviousIpStatus);
