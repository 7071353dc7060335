using System.Globalization;
using PenguinMails.Infrastructure.Core.Assignments;

namespace PenguinMails.Infrastructure.TestKit.Reliability;

/// <summary>
/// Compares an <see cref="OperationLedger"/> with a <see cref="StoreSnapshot"/> taken at the end of a test, and checks the
/// store's own invariants. Pure: no I/O. Every violation is a sentence naming the entity, the row and the rule.
/// </summary>
/// <remarks>
/// The checks:
/// <list type="number">
/// <item>Inserts: an acknowledged one is present (unless an acknowledged delete followed), a failed one absent; an id is
/// acknowledged as inserted at most once.</item>
/// <item>Writes (a value unique to the operation in the row's marker field): no failed value is in the database; when
/// a row has acknowledged writes and no unknown ones, its value is one of them (the last committed).</item>
/// <item>Transitions (compare-and-set): for a row whose initial status the ledger knows and whose transitions all have a
/// known outcome, the acknowledged transitions form one path from the initial status to the stored one (each status
/// left as often as entered, but the first and the last), so no acknowledged transition is lost and none that failed
/// was applied (unless a lost one cancels it exactly); otherwise the stored status is the initial one or the target of
/// an acknowledged or unknown transition.</item>
/// <item>Deletes: an acknowledged one is absent.</item>
/// <item>Store invariants: every SMTP IP's <c>assigned_count</c> equals its assignments that are not expired; no IP
/// address is stored twice (an IP in two places at once); no domain holds two non-expired assignments to one IP; every
/// assignment's IP exists.</item>
/// </list>
/// </remarks>
public static class InvariantChecker
{
    /// <summary>Every violation of the ledger against the snapshot and of the store invariants; empty when all hold.</summary>
    /// <param name="ledger">The recorded operations.</param>
    /// <param name="snapshot">The store at the end.</param>
    /// <returns>The violations.</returns>
    public static IReadOnlyList<string> Check(OperationLedger ledger, StoreSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(snapshot);
        var violations = new List<string>();
        CheckLedger(ledger.Entries, snapshot, violations);
        CheckStore(snapshot, violations);
        return violations;
    }

    /// <summary>The store invariants alone (item 5 of the remarks).</summary>
    /// <param name="snapshot">The store.</param>
    /// <returns>The violations.</returns>
    public static IReadOnlyList<string> CheckStore(StoreSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var violations = new List<string>();
        CheckStore(snapshot, violations);
        return violations;
    }

    private static void CheckLedger(IReadOnlyList<LedgerEntry> entries, StoreSnapshot snapshot, List<string> violations)
    {
        foreach (var row in entries.GroupBy(e => (e.Entity, e.Key)))
        {
            var name = $"{row.Key.Entity} {row.Key.Key}";
            snapshot.Rows.TryGetValue(row.Key, out var stored);
            var inserts = row.Where(e => e.Kind == LedgerOperationKind.Insert).ToList();
            var deletes = row.Where(e => e.Kind == LedgerOperationKind.Delete).ToList();
            var ackInserts = inserts.Count(e => e.Outcome == LedgerOutcome.Acknowledged);
            var deleted = deletes.Any(e => e.Outcome == LedgerOutcome.Acknowledged);
            var maybeDeleted = deleted || deletes.Any(e => e.Outcome == LedgerOutcome.Unknown);
            if (ackInserts > 1)
            {
                violations.Add($"{name}: acknowledged as inserted {ackInserts} times (a duplicate).");
            }

            if (ackInserts > 0 && stored is null && !maybeDeleted)
            {
                violations.Add($"{name}: acknowledged insert is missing from the store (lost).");
            }

            if (ackInserts == 0 && stored is not null && inserts.Count > 0 && inserts.All(e => e.Outcome == LedgerOutcome.Failed))
            {
                violations.Add($"{name}: insert reported as failed is in the store (phantom).");
            }

            if (deleted && stored is not null)
            {
                violations.Add($"{name}: acknowledged delete, yet the row is in the store.");
            }

            if (stored is null)
            {
                continue;
            }

            CheckWrites(name, row.Where(e => e.Kind == LedgerOperationKind.Write).ToList(), stored, violations);
            var initial = inserts.FirstOrDefault(e => e.Outcome == LedgerOutcome.Acknowledged)?.To;
            CheckTransitions(name, initial, row.Where(e => e.Kind == LedgerOperationKind.Transition).ToList(), stored, violations);
        }
    }

    private static void CheckWrites(string name, List<LedgerEntry> writes, LedgerRow stored, List<string> violations)
    {
        if (writes.Count == 0)
        {
            return;
        }

        if (writes.FirstOrDefault(w => w.Outcome == LedgerOutcome.Failed && w.To == stored.Value) is { } phantom)
        {
            violations.Add($"{name}: holds the value {phantom.To} of write #{phantom.Sequence}, which was reported as failed (phantom).");
        }

        var acknowledged = writes.Where(w => w.Outcome == LedgerOutcome.Acknowledged).Select(w => w.To).ToHashSet(StringComparer.Ordinal);
        if (acknowledged.Count > 0 && !writes.Any(w => w.Outcome == LedgerOutcome.Unknown) && !acknowledged.Contains(stored.Value))
        {
            violations.Add($"{name}: holds {stored.Value ?? "null"}, none of its {acknowledged.Count} acknowledged writes (the last acknowledged write was lost).");
        }
    }

    private static void CheckTransitions(string name, string? initial, List<LedgerEntry> transitions, LedgerRow stored, List<string> violations)
    {
        var acknowledged = transitions.Where(t => t.Outcome == LedgerOutcome.Acknowledged).ToList();
        var unknown = transitions.Where(t => t.Outcome == LedgerOutcome.Unknown).ToList();
        var final = stored.Status;
        if (initial is null || unknown.Count > 0)
        {
            var possible = acknowledged.Concat(unknown).Select(t => t.To).Append(initial).ToHashSet(StringComparer.Ordinal);
            if (transitions.Count > 0 && (initial is not null || acknowledged.Count > 0) && !possible.Contains(final))
            {
                violations.Add($"{name}: status {final} is neither the initial status nor the target of an acknowledged or unknown transition.");
            }

            return;
        }

        // An Euler path from the initial status to the stored one: each status is left as often as it is entered,
        // except that the initial status is left once more and the final one entered once more (when they differ).
        var balance = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in acknowledged)
        {
            balance[t.From ?? "?"] = balance.GetValueOrDefault(t.From ?? "?") + 1;
            balance[t.To ?? "?"] = balance.GetValueOrDefault(t.To ?? "?") - 1;
        }

        if (initial != final)
        {
            balance[initial] = balance.GetValueOrDefault(initial) - 1;
            balance[final ?? "?"] = balance.GetValueOrDefault(final ?? "?") + 1;
        }

        var off = balance.Where(kv => kv.Value != 0).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:+0;-0}")).ToList();
        if (off.Count > 0)
        {
            violations.Add(
                $"{name}: its {acknowledged.Count} acknowledged transitions do not lead from {initial} to the stored {final} "
                    + $"(status left minus entered, off by: {string.Join(", ", off)}): a transition was lost or a failed one applied.");
        }
    }

    private static void CheckStore(StoreSnapshot snapshot, List<string> violations)
    {
        var live = snapshot.Assignments.Where(a => a.Status != DomainIpAssignmentStatus.Expired).ToList();
        var liveByIp = live.Where(a => a.SmtpIpAddressId is not null).GroupBy(a => a.SmtpIpAddressId!.Value).ToDictionary(g => g.Key, g => g.Count());
        foreach (var ip in snapshot.SmtpIps)
        {
            var expected = liveByIp.GetValueOrDefault(ip.Id);
            if (ip.AssignedCount != expected)
            {
                violations.Add($"SmtpIpAddress {ip.Id}: assigned_count is {ip.AssignedCount}, but {expected} assignments are not expired.");
            }
        }

        foreach (var twice in snapshot.SmtpIps.GroupBy(ip => ip.IpAddress, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            violations.Add($"SmtpIpAddress: the address {twice.Key} is stored {twice.Count()} times ({string.Join(", ", twice.Select(i => i.Id))}): an IP in two places at once.");
        }

        foreach (var twice in live.GroupBy(a => (a.DomainId, a.SmtpIpAddressId)).Where(g => g.Count() > 1))
        {
            violations.Add($"DomainIpAssignment: domain {twice.Key.DomainId} holds {twice.Count()} non-expired assignments to IP {twice.Key.SmtpIpAddressId} (a duplicate).");
        }

        var ips = snapshot.SmtpIps.Select(i => i.Id).ToHashSet();
        foreach (var orphan in snapshot.Assignments.Where(a => a.SmtpIpAddressId is { } id && !ips.Contains(id)))
        {
            violations.Add($"DomainIpAssignment {orphan.Id}: its IP {orphan.SmtpIpAddressId} does not exist.");
        }
    }
}
