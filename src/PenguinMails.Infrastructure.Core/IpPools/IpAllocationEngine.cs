using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// What a store provides to the allocation: the domain lock, the pick of the best IP (ranked exactly as
/// <see cref="IpAllocationPolicy"/> ranks, locked in the same step), the writes, and the full candidate set for the report
/// of an exhausted pool.
/// </summary>
internal interface IIpAllocationStore
{
    IInfraUnitOfWorkFactory UnitOfWork { get; }

    Task LockDomainAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the IP <see cref="IpAllocationPolicy"/> ranks first for the request among those no other unit of work
    /// holds, and writes the allocation on it: a new assignment (active, or warming when the IP is warming) expiring at
    /// <paramref name="expires"/>, and the IP's assigned count plus one, an available or warmed IP becoming assigned.
    /// Null when no eligible IP could be locked (nothing written). Must not read more of the fleet than the ranking needs.
    /// </summary>
    Task<IpAllocation?> TakeAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, IpAllocationOptions options, DateTimeOffset? expires, CancellationToken cancellationToken);

    /// <summary>
    /// Every IP in an assignable status (with its VPS's region and status), and the domain's non-expired holdings; read
    /// only to explain an exhausted pool.
    /// </summary>
    Task<(List<IpPoolRow> Rows, List<DomainHolding> Holdings)> LoadAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken);
}

/// <summary>The allocation algorithm, the same on every store; the store takes the IP (pick, lock, writes).</summary>
internal sealed class IpAllocationEngine
{
    internal const string AllocateSpan = "IpPool allocate";
    internal const string OutcomeTag = "penguinmails.ip_pool.outcome";

    private readonly IIpAllocationStore _store;
    private readonly IpAllocationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public IpAllocationEngine(IIpAllocationStore store, IpAllocationOptions options, TimeProvider time, ILogger? logger)
    {
        _store = store;
        _options = (options ?? throw new ArgumentNullException(nameof(options))).EnsureValid();
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? NullLogger.Instance;
    }

    public IInfraUnitOfWorkFactory UnitOfWork => _store.UnitOfWork;

    public Task LockDomainAsync(IInfraUnitOfWork unit, DomainId domainId, CancellationToken cancellationToken) =>
        _store.LockDomainAsync(unit, domainId, cancellationToken);

    public async Task<IpAllocation> AllocateAsync(IpAllocationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var unit = await _store.UnitOfWork.BeginAsync(cancellationToken).ConfigureAwait(false);
        await using (unit.ConfigureAwait(false))
        {
            var allocation = await AllocateInAsync(unit, request, cancellationToken).ConfigureAwait(false);
            await unit.CommitAsync(cancellationToken).ConfigureAwait(false);
            return allocation;
        }
    }

    /// <summary>Allocates inside <paramref name="unit"/>; <paramref name="domainLocked"/> when the caller already holds the domain's lock.</summary>
    public async Task<IpAllocation> AllocateInAsync(IInfraUnitOfWork unit, IpAllocationRequest request, CancellationToken cancellationToken, bool domainLocked = false)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(request);
        using var activity = InfraTelemetry.Source.HasListeners() ? InfraTelemetry.Source.StartActivity(AllocateSpan, ActivityKind.Internal) : null;
        try
        {
            if (!domainLocked)
            {
                await _store.LockDomainAsync(unit, request.DomainId, cancellationToken).ConfigureAwait(false);
            }

            var expires = request.Expires ?? (_options.DefaultAssignmentDuration is { } d ? _time.GetUtcNow() + d : null);
            IpSelection? selection = null;
            var locked = 0;
            for (var attempt = 1; attempt <= _options.LockAttempts; attempt++)
            {
                if (await _store.TakeAsync(unit, request, _options, expires, cancellationToken).ConfigureAwait(false) is { } allocation)
                {
                    if (_logger.IsEnabled(LogLevel.Information))
                    {
                        string from = allocation.PreviousIpStatus.ToDatabaseValue(), to = allocation.Ip.Status.ToDatabaseValue();
                        IpAllocationLog.Allocated(_logger, request.DomainId, allocation.Ip.Id, allocation.Assignment.Id, from, to, allocation.Ip.AssignedCount);
                    }

                    activity?.SetTag(OutcomeTag, "allocated");
                    return allocation;
                }

                // Nothing could be locked: read the whole candidate set once to tell an empty pool from a busy one.
                var (rows, holdings) = await _store.LoadAsync(unit, request.DomainId, cancellationToken).ConfigureAwait(false);
                selection = IpAllocationPolicy.Select(IpAllocationPolicy.BuildCandidates(rows, holdings), _options, request);
                if (selection.Ranked.Count == 0)
                {
                    throw Exhausted(request.DomainId, selection, 0);
                }

                locked = selection.Ranked.Count;
                IpAllocationLog.LockRetry(_logger, request.DomainId, locked, attempt, _options.LockAttempts);
            }

            throw Exhausted(request.DomainId, selection!, locked);
        }
        catch (IpPoolExhaustedException ex)
        {
            activity?.SetTag(OutcomeTag, "exhausted");
            InfraTelemetry.Failed(activity, ex);
            throw;
        }
        catch (Exception ex) when (InfraTelemetry.FailedAndRethrow(activity, ex))
        {
            throw; // Not reached: the filter only records the failure on the span.
        }
    }

    /// <summary>The allocation's writes through the unit's repositories, statement by statement (any store).</summary>
    internal static async Task<IpAllocation> WriteThroughRepositoriesAsync(
        IInfraUnitOfWork unit,
        DomainId domainId,
        SmtpIpAddress ip,
        DateTimeOffset? expires,
        CancellationToken cancellationToken)
    {
        var added = await unit.DomainIpAssignments.AddAsync(
                new DomainIpAssignment { DomainId = domainId, SmtpIpAddressId = ip.Id, Expires = expires },
                cancellationToken)
            .ConfigureAwait(false);
        var assignment = await unit.DomainIpAssignments.ChangeStatusAsync(
                added,
                ip.Status == SmtpIpAddressStatus.Warming ? DomainIpAssignmentStatus.Warming : DomainIpAssignmentStatus.Active,
                cancellationToken)
            .ConfigureAwait(false);
        var counted = await unit.SmtpIpAddresses.AdjustAssignedCountAsync(ip.Id, 1, cancellationToken).ConfigureAwait(false);
        var after = counted.Status is SmtpIpAddressStatus.Available or SmtpIpAddressStatus.Warmed
            ? await unit.SmtpIpAddresses.ChangeStatusAsync(counted, SmtpIpAddressStatus.Assigned, cancellationToken).ConfigureAwait(false)
            : counted;
        return new IpAllocation(assignment, after, ip.Status);
    }

    private IpPoolExhaustedException Exhausted(DomainId domainId, IpSelection selection, int locked)
    {
        var reason = selection.AtCapacity > 0 || locked > 0 ? IpPoolExhaustionReason.AllBusy : IpPoolExhaustionReason.NoEligibleIp;
        IpAllocationLog.Exhausted(_logger, domainId, reason, selection.Considered, selection.AtCapacity, locked);
        return new IpPoolExhaustedException(domainId, reason, selection.Considered, selection.Excluded, locked);
    }
}
