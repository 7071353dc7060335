using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.Internal;
using PenguinMails.Infrastructure.Core.SmtpIps;

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
    /// Locks and returns, as stored, the IP <see cref="IpAllocationPolicy"/> ranks first for the request among those no
    /// other unit of work holds; null when no eligible IP could be locked. Must not read more of the fleet than the
    /// ranking needs.
    /// </summary>
    Task<SmtpIpAddress?> PickAsync(IInfraUnitOfWork unitOfWork, IpAllocationRequest request, IpAllocationOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Every IP in an assignable status (with its VPS's region and status), and the domain's non-expired holdings; read
    /// only to explain an exhausted pool.
    /// </summary>
    Task<(List<IpPoolRow> Rows, List<DomainHolding> Holdings)> LoadAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the allocation of the locked <paramref name="ip"/>: a new assignment (active, or warming when the IP is
    /// warming) and the IP's assigned count plus one, an available or warmed IP becoming assigned.
    /// </summary>
    Task<IpAllocation> WriteAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, SmtpIpAddress ip, DateTimeOffset? expires, CancellationToken cancellationToken);
}

/// <summary>The allocation algorithm, the same on every store; the store picks and locks the IP and writes the allocation.</summary>
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

    public async Task<IpAllocation> AllocateInAsync(IInfraUnitOfWork unit, IpAllocationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(request);
        using var activity = InfraTelemetry.Source.HasListeners() ? InfraTelemetry.Source.StartActivity(AllocateSpan, ActivityKind.Internal) : null;
        try
        {
            await _store.LockDomainAsync(unit, request.DomainId, cancellationToken).ConfigureAwait(false);
            IpSelection? selection = null;
            var locked = 0;
            for (var attempt = 1; attempt <= _options.LockAttempts; attempt++)
            {
                var ip = await _store.PickAsync(unit, request, _options, cancellationToken).ConfigureAwait(false);
                if (ip is not null)
                {
                    var allocation = await WriteAsync(unit, request, ip, cancellationToken).ConfigureAwait(false);
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

    private async Task<IpAllocation> WriteAsync(IInfraUnitOfWork unit, IpAllocationRequest request, SmtpIpAddress ip, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var expires = request.Expires ?? (_options.DefaultAssignmentDuration is { } d ? now + d : null);
        var allocation = await _store.WriteAsync(unit, request.DomainId, ip, expires, cancellationToken).ConfigureAwait(false);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string from = ip.Status.ToDatabaseValue(), to = allocation.Ip.Status.ToDatabaseValue();
            IpAllocationLog.Allocated(_logger, request.DomainId, ip.Id, allocation.Assignment.Id, from, to, allocation.Ip.AssignedCount);
        }

        return allocation;
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
