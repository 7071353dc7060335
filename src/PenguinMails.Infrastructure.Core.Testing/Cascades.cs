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
        var doomed = ips.Values.Where(ip => ip.VpsInstanceId?.Value == vpsInstanceId).Select(ip => ip.Id.Value).ToHashSet();
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
        var doomed = assignments
            .Values.Where(a => a.SmtpIpAddressId is { } ip && ipIds.Contains(ip.Value))
            .Select(a => a.Id.Value)
            .ToList();
        return doomed.Count == 0 ? state : state.With(InMemoryDomainIpAssignmentRepository.Table, assignments.RemoveRange(doomed));
    }
}
