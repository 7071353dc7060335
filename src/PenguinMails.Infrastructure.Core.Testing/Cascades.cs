namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// The schema's ON DELETE CASCADE rules, applied by the in-memory store. Each area adds the rows that reference the
/// deleted one: vps_instances → smtp_ip_addresses → domain_ip_assignments.
/// </summary>
internal static class Cascades
{
    /// <summary>Removes what references a deleted VPS instance (its SMTP IPs, and by cascade their assignments).</summary>
    public static StoreState OnVpsInstanceDeleted(StoreState state, Guid vpsInstanceId)
    {
        var ips = state.Table(InMemorySmtpIpAddressRepository.Table);
        var doomed = InMemorySmtpIpAddressRepository.ByVps.Get(ips, new VpsInstanceId(vpsInstanceId)).ToHashSet();
        if (doomed.Count == 0)
        {
            return state;
        }

        state = state.With(InMemorySmtpIpAddressRepository.Table, ips.RemoveRange(doomed));
        return RemoveAssignmentsOf(state, doomed);
    }

    /// <summary>Removes what references a deleted SMTP IP (its domain assignments).</summary>
    public static StoreState OnSmtpIpAddressDeleted(StoreState state, Guid smtpIpAddressId) => RemoveAssignmentsOf(state, [smtpIpAddressId]);

    private static StoreState RemoveAssignmentsOf(StoreState state, HashSet<Guid> ipIds)
    {
        var assignments = state.Table(InMemoryDomainIpAssignmentRepository.Table);
        var doomed = ipIds.SelectMany(ip => InMemoryDomainIpAssignmentRepository.ByIp.Get(assignments, new SmtpIpAddressId(ip))).ToList();
        return doomed.Count == 0 ? state : state.With(InMemoryDomainIpAssignmentRepository.Table, assignments.RemoveRange(doomed));
    }
}
