using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.Internal;
using PenguinMails.Infrastructure.Core.SmtpIps;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>What a store provides to the allocation: the domain lock, the candidate rows and the lock of one IP.</summary>
internal interface IIpAllocationStore
{
    IInfraUnitOfWorkFactory UnitOfWork { get; }

    Task LockDomainAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken);

    /// <summary>Every IP in an assignable status (with its VPS's region and status), and the domain's non-expired holdings.</summary>
    Task<(List<IpPoolRow> Rows, List<DomainHolding> Holdings)> LoadAsync(IInfraUnitOfWork unitOfWork, DomainId domainId, CancellationToken cancellationToken);

    /// <summary>
    /// Locks the first IP of <paramref name="ranked"/> that is not locked by another transaction and still fits (status
    /// assignable, below the maximum, on an active VPS when required), and returns it as stored; null when none.
    /// </summary>
    Task<SmtpIpAddress?> TryLockAsync(IInfraUnitOfWork unitOfWork, IReadOnlyList<SmtpIpAddressId> ranked, IpAllocationOptions options, CancellationToken cancellationToken);
}

/// <summary>The allocation algorithm, the same on every store; the store only loads and locks.</summary>
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
                var (rows, holdings) = await _store.LoadAsync(unit, request.DomainId, cancellationToken).ConfigureAwait(false);
                selection = IpAllocationPolicy.Select(IpAllocationPolicy.BuildCandidates(rows, holdings), _options, request);
                if (selection.Ranked.Count == 0)
                {
                    throw Exhausted(request.DomainId, selection, 0);
                }

                var ids = selection.Ranked.Select(c => c.Id).ToList();
                var ip = await _store.TryLockAsync(unit, ids, _options, cancellationToken).ConfigureAwait(false);
                if (ip is not null)
                {
                    var allocation = await WriteAsync(unit, request, ip, cancellationToken).ConfigureAwait(false);
                    activity?.SetTag(OutcomeTag, "allocated");
                    return allocation;
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
        var added = await unit.DomainIpAssignments.AddAsync(
                new DomainIpAssignment { DomainId = request.DomainId, SmtpIpAddressId = ip.Id, Expires = expires },
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
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string from = ip.Status.ToDatabaseValue(), to = after.Status.ToDatabaseValue();
            IpAllocationLog.Allocated(_logger, request.DomainId, ip.Id, assignment.Id, from, to, after.AssignedCount);
        }
        return new IpAllocation(assignment, after, ip.Status);
    }

    private IpPoolExhaustedException Exhausted(DomainId domainId, IpSelection selection, int locked)
    {
        var reason = selection.AtCapacity > 0 || locked > 0 ? IpPoolExhaustionReason.AllBusy : IpPoolExhaustionReason.NoEligibleIp;
        IpAllocationLog.Exhausted(_logger, domainId, reason, selection.Considered, selection.AtCapacity, locked);
        return new IpPoolExhaustedException(domainId, reason, selection.Considered, selection.Excluded, locked);
    }
}
