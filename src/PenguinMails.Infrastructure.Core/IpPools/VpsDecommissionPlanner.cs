using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// The <see cref="IVpsDecommissionPlanner"/>, the same on every store: it works through the allocator's units of work,
/// domain lock and allocation, and the repositories.
/// </summary>
public sealed class VpsDecommissionPlanner : IVpsDecommissionPlanner
{
    internal const string ApplySpan = "IpPool decommission apply";

    private readonly IIpPoolAllocator _allocator;
    private readonly IpAllocationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes the planner.</summary>
    /// <param name="allocator">The allocator of the store.</param>
    /// <param name="options">The allocation policy the plan simulates (use the allocator's); the defaults when null.</param>
    /// <param name="timeProvider">The clock; the system clock by default.</param>
    /// <param name="logger">The logger (event ids 7020–7025), or null.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options break a rule.</exception>
    public VpsDecommissionPlanner(IIpPoolAllocator allocator, IpAllocationOptions? options = null, TimeProvider? timeProvider = null, ILogger<VpsDecommissionPlanner>? logger = null)
    {
        _allocator = allocator ?? throw new ArgumentNullException(nameof(allocator));
        _options = (options ?? new IpAllocationOptions()).EnsureValid();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<VpsInstance> ScheduleAsync(VpsInstanceId vpsInstanceId, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        var unit = await _allocator.UnitOfWork.BeginAsync(cancellationToken).ConfigureAwait(false);
        await using (unit.ConfigureAwait(false))
        {
            var vps = await RequireAsync(unit, vpsInstanceId, cancellationToken).ConfigureAwait(false);
            var scheduled = await unit.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.ScheduledDecommission, at, cancellationToken).ConfigureAwait(false);
            await unit.CommitAsync(cancellationToken).ConfigureAwait(false);
            IpAllocationLog.DecommissionScheduled(_logger, vpsInstanceId, scheduled.DecommissionScheduledFor);
            return scheduled;
        }
    }

    /// <inheritdoc />
    public async Task<DecommissionPlan> PlanAsync(VpsInstanceId vpsInstanceId, CancellationToken cancellationToken = default)
    {
        var unit = await _allocator.UnitOfWork.BeginAsync(cancellationToken).ConfigureAwait(false);
        await using (unit.ConfigureAwait(false))
        {
            var vps = await RequireAsync(unit, vpsInstanceId, cancellationToken).ConfigureAwait(false);
            var toMove = await NonExpiredOnAsync(unit, vpsInstanceId, cancellationToken).ConfigureAwait(false);
            var cache = new Dictionary<VpsInstanceId, VpsInstance?>();
            var rows = await IpAllocationReads.LoadRowsAsync(unit, cache, cancellationToken).ConfigureAwait(false);
            var holdings = new Dictionary<DomainId, List<DomainHolding>>();
            foreach (var domain in toMove.Select(a => a.DomainId).OfType<DomainId>().Distinct())
            {
                holdings[domain] = await IpAllocationReads.LoadHoldingsAsync(unit, domain, cache, cancellationToken).ConfigureAwait(false);
            }

            await unit.RollbackAsync(cancellationToken).ConfigureAwait(false);
            var plan = BuildPlan(vps, toMove, rows, holdings, _options, _time.GetUtcNow());
            IpAllocationLog.DecommissionPlanned(_logger, vpsInstanceId, plan.Steps.Count, plan.UnplaceableCount);
            return plan;
        }
    }

    /// <inheritdoc />
    public async Task<DecommissionApplyResult> ApplyAsync(DecommissionPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var activity = InfraTelemetry.Source.HasListeners() ? InfraTelemetry.Source.StartActivity(ApplySpan, ActivityKind.Internal) : null;
        var results = new List<DecommissionMoveResult>(plan.Steps.Count);
        foreach (var step in plan.Steps)
        {
            var result = await ApplyStepAsync(plan.VpsInstanceId, step, cancellationToken).ConfigureAwait(false);
            if (result.Allocation is { } moved)
            {
                IpAllocationLog.MoveApplied(_logger, plan.VpsInstanceId, step.AssignmentId, step.DomainId, moved.Ip.Id);
            }
            else
            {
                IpAllocationLog.MoveNotApplied(_logger, plan.VpsInstanceId, step.AssignmentId, result.Outcome.ToString());
            }

            results.Add(result);
        }

        return new DecommissionApplyResult(plan.VpsInstanceId, results);
    }

    /// <inheritdoc />
    public async Task<VpsInstance> CompleteAsync(VpsInstanceId vpsInstanceId, CancellationToken cancellationToken = default)
    {
        var unit = await _allocator.UnitOfWork.BeginAsync(cancellationToken).ConfigureAwait(false);
        await using (unit.ConfigureAwait(false))
        {
            var vps = await RequireAsync(unit, vpsInstanceId, cancellationToken).ConfigureAwait(false);
            VpsInstanceLifecycle.Definition.EnsureCanTransition(vps.Id.ToString(), vps.Status, VpsInstanceStatus.Decommissioned);
            var remaining = (await NonExpiredOnAsync(unit, vpsInstanceId, cancellationToken).ConfigureAwait(false)).Count;
            if (remaining > 0)
            {
                IpAllocationLog.DecommissionBlocked(_logger, vpsInstanceId, remaining);
                throw new VpsDecommissionBlockedException(vpsInstanceId, remaining);
            }

            var done = await unit.VpsInstances.ChangeStatusAsync(vps, VpsInstanceStatus.Decommissioned, null, cancellationToken).ConfigureAwait(false);
            await unit.CommitAsync(cancellationToken).ConfigureAwait(false);
            IpAllocationLog.DecommissionCompleted(_logger, vpsInstanceId);
            return done;
        }
    }

    /// <summary>
    /// The plan, pure: each assignment (in id order) gets the best candidate off the instance, as if the earlier steps
    /// had been allocated (their targets' counts and statuses, and the domains' holdings, are updated as the plan goes).
    /// </summary>
    internal static DecommissionPlan BuildPlan(
        VpsInstance vps,
        IReadOnlyList<DomainIpAssignment> toMove,
        IEnumerable<IpPoolRow> rows,
        IReadOnlyDictionary<DomainId, List<DomainHolding>> holdings,
        IpAllocationOptions options,
        DateTimeOffset now
    )
    {
        var pool = rows.ToDictionary(r => r.Id);
        var held = holdings.ToDictionary(h => h.Key, h => new List<DomainHolding>(h.Value));
        var exclude = new[] { vps.Id };
        var steps = new List<DecommissionPlanStep>(toMove.Count);
        foreach (var a in toMove.OrderBy(a => a.Id.Value, Comparer<Guid>.Create(ContinuationToken.CompareUuid)))
        {
            if (a.DomainId is not { } domain)
            {
                steps.Add(new DecommissionPlanStep(a.Id, null, a.SmtpIpAddressId, null, null, IpPoolExhaustionReason.NoEligibleIp, "the assignment names no domain"));
                continue;
            }

            var domainHeld = held.TryGetValue(domain, out var h) ? h : held[domain] = [];
            var selection = IpAllocationPolicy.Select(
                IpAllocationPolicy.BuildCandidates(pool.Values, domainHeld),
                options,
                new IpAllocationRequest(domain) { ExcludeVpsInstances = exclude });
            if (selection.Ranked.Count == 0)
            {
                var ex = new IpPoolExhaustedException(
                    domain,
                    selection.AtCapacity > 0 ? IpPoolExhaustionReason.AllBusy : IpPoolExhaustionReason.NoEligibleIp,
                    selection.Considered,
                    selection.Excluded,
                    0);
                steps.Add(new DecommissionPlanStep(a.Id, domain, a.SmtpIpAddressId, null, null, ex.Reason, ex.Message));
                continue;
            }

            var target = selection.Ranked[0];
            var row = pool[target.Id];
            pool[target.Id] = row with
            {
                AssignedCount = row.AssignedCount + 1,
                Status = row.Status is SmtpIpAddressStatus.Available or SmtpIpAddressStatus.Warmed ? SmtpIpAddressStatus.Assigned : row.Status,
            };
            domainHeld.Add(new DomainHolding(target.Id, target.VpsInstanceId, target.Region));
            steps.Add(new DecommissionPlanStep(a.Id, domain, a.SmtpIpAddressId, target.Id, target.VpsInstanceId));
        }

        return new DecommissionPlan(vps.Id, vps.Status, vps.DecommissionScheduledFor, now, steps);
    }

    private async Task<DecommissionMoveResult> ApplyStepAsync(VpsInstanceId vpsInstanceId, DecommissionPlanStep step, CancellationToken cancellationToken)
    {
        if (step.DomainId is not { } domain)
        {
            return new DecommissionMoveResult(step, DecommissionMoveOutcome.Unplaceable, UnplaceableReason: IpPoolExhaustionReason.NoEligibleIp);
        }

        try
        {
            var unit = await _allocator.UnitOfWork.BeginAsync(cancellationToken).ConfigureAwait(false);
            await using (unit.ConfigureAwait(false))
            {
                await _allocator.LockDomainAsync(unit, domain, cancellationToken).ConfigureAwait(false);
                var current = await unit.DomainIpAssignments.GetAsync(step.AssignmentId, cancellationToken).ConfigureAwait(false);
                if (current is null || current.Status == DomainIpAssignmentStatus.Expired || current.SmtpIpAddressId != step.FromIpId)
                {
                    return new DecommissionMoveResult(step, DecommissionMoveOutcome.Stale);
                }

                var now = _time.GetUtcNow();
                var request = new IpAllocationRequest(domain)
                {
                    ExcludeVpsInstances = [vpsInstanceId],
                    Expires = current.Expires is { } e && e > now ? e : null,
                };
                IpAllocation? allocation = null;
                var outcome = DecommissionMoveOutcome.Moved;
                if (step.TargetIpId is { } target)
                {
                    allocation = await TryAllocateAsync(unit, request with { OnlyIps = [target] }, cancellationToken).ConfigureAwait(false);
                }

                IpPoolExhaustedException? exhausted = null;
                if (allocation is null)
                {
                    outcome = DecommissionMoveOutcome.MovedElsewhere;
                    try
                    {
                        allocation = await _allocator.AllocateAsync(unit, request, cancellationToken).ConfigureAwait(false);
                    }
                    catch (IpPoolExhaustedException ex)
                    {
                        exhausted = ex;
                    }
                }

                if (allocation is null)
                {
                    return new DecommissionMoveResult(step, DecommissionMoveOutcome.Unplaceable, UnplaceableReason: exhausted?.Reason);
                }

                await IpAllocationReads.ExpireAndReleaseAsync(unit, current, cancellationToken).ConfigureAwait(false);
                await unit.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new DecommissionMoveResult(step, outcome, allocation);
            }
        }
        catch (ConcurrencyConflictException)
        {
            return new DecommissionMoveResult(step, DecommissionMoveOutcome.Stale);
        }
    }

    private async Task<IpAllocation?> TryAllocateAsync(IInfraUnitOfWork unit, IpAllocationRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await _allocator.AllocateAsync(unit, request, cancellationToken).ConfigureAwait(false);
        }
        catch (IpPoolExhaustedException)
        {
            return null;
        }
    }

    private static async Task<VpsInstance> RequireAsync(IInfraUnitOfWork unit, VpsInstanceId id, CancellationToken cancellationToken) =>
        await unit.VpsInstances.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new EntityNotFoundException(nameof(VpsInstance), id.ToString());

    /// <summary>Every non-expired assignment of the instance's IPs.</summary>
    private static async Task<List<DomainIpAssignment>> NonExpiredOnAsync(IInfraUnitOfWork unit, VpsInstanceId vpsInstanceId, CancellationToken cancellationToken)
    {
        var list = new List<DomainIpAssignment>();
        foreach (var ip in await IpAllocationReads.IpsAsync(unit, new SmtpIpAddressFilter(VpsInstanceId: vpsInstanceId), cancellationToken).ConfigureAwait(false))
        {
            var assignments = await IpAllocationReads.AssignmentsAsync(unit, new DomainIpAssignmentFilter(SmtpIpAddressId: ip.Id), cancellationToken).ConfigureAwait(false);
            list.AddRange(assignments.Where(a => a.Status != DomainIpAssignmentStatus.Expired));
        }

        return list;
    }
}
