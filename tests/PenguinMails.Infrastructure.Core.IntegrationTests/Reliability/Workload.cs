using System.Collections.Concurrent;
using System.Globalization;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit.Reliability;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>The repositories a workload runs against, on either store.</summary>
internal sealed record WorkloadStore(
    IVpsInstanceRepository VpsInstances,
    ISmtpIpAddressRepository SmtpIps,
    IDomainIpAssignmentRepository Assignments,
    IInfraUnitOfWorkFactory UnitOfWork,
    Func<DomainId, Task> AddDomainAsync
);

/// <summary>
/// A mixed write workload over SMTP IPs and their domain assignments, every operation recorded in an
/// <see cref="OperationLedger"/>: status transitions (compare-and-set), optimistic updates writing a value unique to the
/// operation (<c>approximate_cost</c>), and two units of work that keep <c>assigned_count</c> in step with the
/// assignments (assign: insert + count +1; expire: status change + count -1). Workers never retry: a failure is
/// recorded and the worker moves on.
/// </summary>
internal sealed class Workload(WorkloadStore store, OperationLedger ledger)
{
    private const string Ip = nameof(SmtpIpAddress);
    private const string Assignment = nameof(DomainIpAssignment);

    private readonly ConcurrentDictionary<DomainIpAssignmentId, SmtpIpAddressId> _live = new();
    private long _writeCounter;

    public IReadOnlyList<SmtpIpAddressId> Ips { get; private set; } = [];

    public IReadOnlyList<DomainId> Domains { get; private set; } = [];

    /// <summary>Transitions, writes, assigns and expires done (any outcome).</summary>
    public long Operations;

    /// <summary>Creates <paramref name="ipCount"/> IPs over 10 VPS instances and <paramref name="domainCount"/> host domains.</summary>
    public async Task SeedAsync(int ipCount, int domainCount)
    {
        var vps = new List<VpsInstance>();
        for (var i = 0; i < 10; i++)
        {
            vps.Add(await store.VpsInstances.AddAsync(new VpsInstance()));
        }

        var ips = Enumerable.Range(0, ipCount)
            .Select(i => new SmtpIpAddress
            {
                VpsInstanceId = vps[i % vps.Count].Id,
                IpAddress = string.Create(CultureInfo.InvariantCulture, $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}"),
            })
            .ToList();
        await store.SmtpIps.BulkImportAsync(ips);
        foreach (var ip in ips)
        {
            ledger.Acknowledge(LedgerOperationKind.Insert, Ip, ip.Id.ToString(), to: SmtpIpAddressStatus.Available.ToString());
        }

        var domains = new List<DomainId>();
        for (var i = 0; i < domainCount; i++)
        {
            var domain = DomainId.New();
            await store.AddDomainAsync(domain);
            domains.Add(domain);
        }

        Ips = ips.Select(i => i.Id).ToArray();
        Domains = domains;
    }

    /// <summary>Runs one randomly chosen operation; true when it was acknowledged.</summary>
    public async Task<bool> RunOneAsync(Random random)
    {
        Interlocked.Increment(ref Operations);
        var roll = random.Next(100);
        return roll switch
        {
            < 45 => await TransitionAsync(Pick(random, Ips), random),
            < 80 => await WriteAsync(Pick(random, Ips)),
            < 92 => await AssignAsync(Pick(random, Ips), Pick(random, Domains)),
            _ => await ExpireAsync(random),
        };
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private async Task<bool> TransitionAsync(SmtpIpAddressId id, Random random)
    {
        SmtpIpAddress? current;
        try
        {
            current = await store.SmtpIps.GetAsync(id);
        }
        catch (Exception ex)
        {
            ledger.Classify(ex);
            return false;
        }

        // Burned is terminal: leave it out so that rows stay in play.
        var targets = SmtpIpAddressLifecycle.Definition.AllowedTargets(current!.Status).Where(s => s != SmtpIpAddressStatus.Burned).ToArray();
        var target = targets[random.Next(targets.Length)];
        try
        {
            await store.SmtpIps.ChangeStatusAsync(current, target);
            ledger.Acknowledge(LedgerOperationKind.Transition, Ip, id.ToString(), current.Status.ToString(), target.ToString());
            return true;
        }
        catch (Exception ex)
        {
            ledger.Fail(LedgerOperationKind.Transition, Ip, id.ToString(), ex, current.Status.ToString(), target.ToString());
            return false;
        }
    }

    private async Task<bool> WriteAsync(SmtpIpAddressId id)
    {
        SmtpIpAddress? current;
        try
        {
            current = await store.SmtpIps.GetAsync(id);
        }
        catch (Exception ex)
        {
            ledger.Classify(ex);
            return false;
        }

        // A value no other operation writes: 0.01 .. 9999.99 (DECIMAL(6,2)).
        var cost = (Interlocked.Increment(ref _writeCounter) % 999_999 + 1) / 100m;
        var value = StoreSnapshot.ValueOf(cost);
        try
        {
            await store.SmtpIps.UpdateAsync(current! with { ApproximateCost = cost });
            ledger.Acknowledge(LedgerOperationKind.Write, Ip, id.ToString(), to: value);
            return true;
        }
        catch (Exception ex)
        {
            ledger.Fail(LedgerOperationKind.Write, Ip, id.ToString(), ex, to: value);
            return false;
        }
    }

    private async Task<bool> AssignAsync(SmtpIpAddressId ip, DomainId domain)
    {
        var assignment = new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip };
        try
        {
            var uow = await store.UnitOfWork.BeginAsync();
            await using (uow)
            {
                await uow.DomainIpAssignments.AddAsync(assignment);
                await uow.SmtpIpAddresses.AdjustAssignedCountAsync(ip, +1);
                await uow.CommitAsync();
            }

            _live[assignment.Id] = ip;
            ledger.Acknowledge(LedgerOperationKind.Insert, Assignment, assignment.Id.ToString(), to: DomainIpAssignmentStatus.Scheduled.ToString());
            return true;
        }
        catch (Exception ex)
        {
            ledger.Fail(LedgerOperationKind.Insert, Assignment, assignment.Id.ToString(), ex, to: DomainIpAssignmentStatus.Scheduled.ToString());
            return false;
        }
    }

    private async Task<bool> ExpireAsync(Random random)
    {
        var live = _live.Keys.ToArray();
        if (live.Length == 0)
        {
            return false;
        }

        var id = live[random.Next(live.Length)];
        try
        {
            var uow = await store.UnitOfWork.BeginAsync();
            await using (uow)
            {
                var current = await uow.DomainIpAssignments.GetAsync(id);
                if (current is null || current.Status == DomainIpAssignmentStatus.Expired)
                {
                    _live.TryRemove(id, out _);
                    return false;
                }

                try
                {
                    await uow.DomainIpAssignments.ChangeStatusAsync(current, DomainIpAssignmentStatus.Expired);
                    await uow.SmtpIpAddresses.AdjustAssignedCountAsync(current.SmtpIpAddressId!.Value, -1);
                    await uow.CommitAsync();
                }
                catch (Exception ex)
                {
                    ledger.Fail(LedgerOperationKind.Transition, Assignment, id.ToString(), ex, current.Status.ToString(), DomainIpAssignmentStatus.Expired.ToString());
                    return false;
                }

                _live.TryRemove(id, out _);
                ledger.Acknowledge(LedgerOperationKind.Transition, Assignment, id.ToString(), current.Status.ToString(), DomainIpAssignmentStatus.Expired.ToString());
                return true;
            }
        }
        catch (Exception ex)
        {
            // Beginning the unit or reading failed: nothing was attempted.
            ledger.Classify(ex);
            return false;
        }
    }
}
