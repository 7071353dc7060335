namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// The lock strengths of PostgreSQL's row locks that the in-memory store takes, weakest first: <c>FOR KEY SHARE</c>
/// (a foreign key's check of the row it points at), <c>FOR NO KEY UPDATE</c> (an update) and <c>FOR UPDATE</c> (a
/// delete, an insert, <c>SELECT ... FOR UPDATE</c>, and every lock that is not on a row).
/// </summary>
internal enum LockMode
{
    KeyShare = 1,
    NoKeyUpdate = 2,
    Update = 3,
}

/// <summary>What an in-memory lock is on: a row, a unique value, a domain's advisory lock, or a whole lock group.</summary>
/// <param name="Space">The table (a row), the table and constraint (a unique value), or the kind of lock.</param>
/// <param name="Key">The row's key, the value, the domain id or the group.</param>
internal sealed record LockResource(string Space, object Key)
{
    /// <summary>The lock of every table of <paramref name="group"/> (the groups that are not row-locked).</summary>
    public static LockResource Group(TableGroups group) => new("group", group);

    /// <summary>The lock of the row of <paramref name="table"/> under <paramref name="key"/>.</summary>
    public static LockResource Row(string table, object key) => new(table, key);

    /// <summary>The space of the values of the unique constraint <paramref name="constraint"/> of <paramref name="table"/> (a value's lock is on it).</summary>
    public static string UniqueSpace(string table, string constraint) => table + " unique " + constraint;

    /// <summary>A domain's allocation lock (PostgreSQL's per-domain advisory lock).</summary>
    public static LockResource Domain(DomainId domainId) => new("domain allocation lock", domainId.Value);

    /// <inheritdoc />
    public override string ToString() => Space == "group" ? $"write lock ({Key})" : $"{Space} ({Key})";
}

/// <summary>A lock to take: on what, and how strong.</summary>
internal readonly record struct LockNeed(LockResource Resource, LockMode Mode)
{
    /// <summary>Whether two owners holding <paramref name="a"/> and <paramref name="b"/> on one resource conflict (PostgreSQL's row-lock table).</summary>
    public static bool Conflict(LockMode a, LockMode b) => a == LockMode.Update || b == LockMode.Update || (a == LockMode.NoKeyUpdate && b == LockMode.NoKeyUpdate);
}

/// <summary>
/// The locks a write of an IP-pool row takes besides the row's own, as PostgreSQL takes them: the unique values it
/// sets (so a second insert of the value waits for the first unit to end, then fails or proceeds), and
/// <c>FOR KEY SHARE</c> on the row each foreign key points at (so the parent's delete waits for the unit, and the
/// unit's insert waits for a parent's delete).
/// </summary>
internal static class IpPoolRowLocks
{
    private static readonly string HostwindsSpace = LockResource.UniqueSpace(VpsInstance.TableName, "hostwinds_instance_id");
    private static readonly string DomainIpSpace = LockResource.UniqueSpace(DomainIpAssignment.TableName, DomainIpAssignmentRules.DomainIpKey);

    public static void Vps(VpsInstance? old, VpsInstance? row, List<LockNeed> into)
    {
        // An update that keeps the status is UpdateAsync, whose SET names hostwinds_instance_id (a unique column): with
        // the table's BEFORE UPDATE trigger PostgreSQL then takes FOR UPDATE, which a foreign key's share lock waits
        // for, even when the value is unchanged. A status change (ChangeStatusAsync) takes FOR NO KEY UPDATE.
        if (old is not null && row is not null && old.Status == row.Status)
        {
            into.Add(new(LockResource.Row(VpsInstance.TableName, row.Id.Value), LockMode.Update));
        }

        if (row?.HostwindsInstanceId is { } hostwinds && !string.Equals(old?.HostwindsInstanceId, hostwinds, StringComparison.Ordinal))
        {
            into.Add(new(new LockResource(HostwindsSpace, hostwinds), LockMode.Update));
        }
    }

    public static void SmtpIp(SmtpIpAddress? old, SmtpIpAddress? row, List<LockNeed> into)
    {
        if (row?.VpsInstanceId is { } vps && old?.VpsInstanceId != vps)
        {
            into.Add(new(LockResource.Row(VpsInstance.TableName, vps.Value), LockMode.KeyShare));
        }
    }

    public static void Assignment(DomainIpAssignment? old, DomainIpAssignment? row, List<LockNeed> into)
    {
        if (row?.SmtpIpAddressId is { } ip && old?.SmtpIpAddressId != ip)
        {
            into.Add(new(LockResource.Row(SmtpIpAddress.TableName, ip.Value), LockMode.KeyShare));
        }

        if (row is { DomainId: { } d, SmtpIpAddressId: { } i, Status: not DomainIpAssignmentStatus.Expired } && UniqueKey(old) != (d, i))
        {
            into.Add(new(new LockResource(DomainIpSpace, (d, i)), LockMode.Update));
        }
    }

    // The row's entry in the unique live (domain, IP) index, or null when it is not in it.
    private static (DomainId, SmtpIpAddressId)? UniqueKey(DomainIpAssignment? a) =>
        a is { DomainId: { } d, SmtpIpAddressId: { } i, Status: not DomainIpAssignmentStatus.Expired } ? (d, i) : null;
}
