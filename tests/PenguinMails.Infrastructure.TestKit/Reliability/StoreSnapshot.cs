using System.Globalization;
using PenguinMails.Infrastructure.Core;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.TestKit.Reliability;

/// <summary>What the ledger can see of one row: its status and the value of its marker field.</summary>
/// <param name="Status">The status (the enum member's name).</param>
/// <param name="Value">The marker field's value in <see cref="StoreSnapshot.ValueOf(decimal?)"/> form, or null.</param>
public sealed record LedgerRow(string? Status, string? Value);

/// <summary>
/// The rows of a store at one moment, read through the repository interfaces (so the same on PostgreSQL and in
/// memory): every VPS instance, SMTP IP and domain-IP assignment. The ledger's entity names are
/// <c>VpsInstance</c>, <c>SmtpIpAddress</c> (marker: <c>approximate_cost</c>) and <c>DomainIpAssignment</c>.
/// </summary>
public sealed class StoreSnapshot
{
    /// <summary>Initializes a snapshot from lists of rows.</summary>
    /// <param name="vpsInstances">The VPS instances.</param>
    /// <param name="smtpIps">The SMTP IPs.</param>
    /// <param name="assignments">The domain-IP assignments.</param>
    public StoreSnapshot(IReadOnlyList<VpsInstance> vpsInstances, IReadOnlyList<SmtpIpAddress> smtpIps, IReadOnlyList<DomainIpAssignment> assignments)
    {
        VpsInstances = vpsInstances;
        SmtpIps = smtpIps;
        Assignments = assignments;
        var rows = new Dictionary<(string, string), LedgerRow>();
        foreach (var v in vpsInstances)
        {
            rows[(nameof(VpsInstance), v.Id.ToString())] = new LedgerRow(v.Status.ToString(), null);
        }

        foreach (var ip in smtpIps)
        {
            rows[(nameof(SmtpIpAddress), ip.Id.ToString())] = new LedgerRow(ip.Status.ToString(), ValueOf(ip.ApproximateCost));
        }

        foreach (var a in assignments)
        {
            rows[(nameof(DomainIpAssignment), a.Id.ToString())] = new LedgerRow(a.Status.ToString(), null);
        }

        Rows = rows;
    }

    /// <summary>The VPS instances.</summary>
    public IReadOnlyList<VpsInstance> VpsInstances { get; }

    /// <summary>The SMTP IPs.</summary>
    public IReadOnlyList<SmtpIpAddress> SmtpIps { get; }

    /// <summary>The domain-IP assignments.</summary>
    public IReadOnlyList<DomainIpAssignment> Assignments { get; }

    /// <summary>Every row by (entity name, id).</summary>
    public IReadOnlyDictionary<(string Entity, string Key), LedgerRow> Rows { get; }

    /// <summary>The ledger form of a marker value: invariant culture, no trailing zeros (12.30 and 12.3 are equal).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text, or null.</returns>
    public static string? ValueOf(decimal? value) =>
        value is { } v ? (v / 1.0000000000000000000000000000m).ToString("0.############################", CultureInfo.InvariantCulture) : null;

    /// <summary>Reads every row of the three tables through the repositories, page by page.</summary>
    /// <param name="vpsInstances">The VPS repository.</param>
    /// <param name="smtpIps">The SMTP IP repository.</param>
    /// <param name="assignments">The assignment repository.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The snapshot.</returns>
    public static async Task<StoreSnapshot> ReadAsync(
        IVpsInstanceRepository vpsInstances,
        ISmtpIpAddressRepository smtpIps,
        IDomainIpAssignmentRepository assignments,
        CancellationToken cancellationToken = default
    )
    {
        ArgumentNullException.ThrowIfNull(vpsInstances);
        ArgumentNullException.ThrowIfNull(smtpIps);
        ArgumentNullException.ThrowIfNull(assignments);
        var vps = await AllAsync((p, ct) => vpsInstances.ListAsync(null, p, ct), cancellationToken).ConfigureAwait(false);
        var ips = await AllAsync((p, ct) => smtpIps.ListAsync(null, p, ct), cancellationToken).ConfigureAwait(false);
        var asg = await AllAsync((p, ct) => assignments.ListAsync(null, p, ct), cancellationToken).ConfigureAwait(false);
        return new StoreSnapshot(vps, ips, asg);
    }

    private static async Task<List<T>> AllAsync<T>(Func<PageRequest, CancellationToken, Task<Page<T>>> list, CancellationToken cancellationToken)
    {
        var all = new List<T>();
        var request = new PageRequest(1000);
        while (true)
        {
            var page = await list(request, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Items);
            if (page.ContinuationToken is null)
            {
                return all;
            }

            request = new PageRequest(1000, page.ContinuationToken);
        }
    }
}
