using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Rotation by expiry, the same on every store: one call handles one batch of due assignments (whose <c>expires</c> has
/// passed), earliest first, in one transaction. It locks the batch's rows (on PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>,
/// so two rotations running at once take different rows) and its domains
/// (<see cref="IIpPoolAllocator.LockDomainAsync"/>), then, assignment by assignment, allocates a replacement first when
/// it is the domain's last assignment in force, and expires it, decrementing the IP's <c>assigned_count</c> and
/// returning an <c>assigned</c> IP left without assignments to <c>available</c>. On PostgreSQL the batch costs a few
/// set-based statements plus one statement per expiry and two per replacement, and reads no more of the fleet than the
/// allocation's ranked pick does.
/// </summary>
/// <remarks>
/// A batch commits or rolls back as a whole: an error in the middle (a lost connection, a deadlock reported by the
/// server) leaves every assignment of the batch as it was, and the exception reaches the caller, who may call again.
/// An assignment that changed between the read and the expiry (possible only with an allocator of another store,
/// without row locks) is reported as <see cref="IpRotationOutcome.AlreadyHandled"/>.
/// </remarks>
public sealed class IpRotationService : IIpRotationService
{
    internal const string RotateSpan = "IpPool rotate";

    private readonly IIpPoolAllocator _allocator;
    private readonly IpRotationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes the service.</summary>
    /// <param name="allocator">The allocator of the store (its unit-of-work factory and domain lock are used, and it allocates replacements).</param>
    /// <param name="options">The settings; the defaults when null.</param>
    /// <param name="timeProvider">The clock that says what is due; the system clock by default.</param>
    /// <param name="logger">The logger (event ids 7010–7014), or null.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options break a rule.</exception>
    public IpRotationService(IIpPoolAllocator allocator, IpRotationOptions? options = null, TimeProvider? timeProvider = null, ILogger<IpRotationService>? logger = null)
    {
        _allocator = allocator ?? throw new ArgumentNullException(nameof(allocator));
        _options = (options ?? new IpRotationOptions()).EnsureValid();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<IpRotationResult> RotateAsync(CancellationToken cancellationToken = default)
    {
        using var activity = InfraTelemetry.Source.HasListeners() ? InfraTelemetry.Source.StartActivity(RotateSpan, ActivityKind.Internal) : null;
        var now = StoreClock.Now(_time);
        var store = (_allocator as IIpRotationStoreSource)?.RotationStore ?? new RepositoryRotationStore(_allocator);
        var moves = new List<IpRotationMove>();
        var logs = new List<Action>();
        bool hasMore;
        var unit = await _allocator.UnitOfWork.BeginAsync(cancellationToken).ConfigureAwait(false);
        await using (unit.ConfigureAwait(false))
        {
            // "Passed" is expires <= now; timestamps are stored to the microsecond, so that is expires < now + 1 µs.
            var due = await store.LockDueAsync(unit, now + StoreClock.Tick, _options.BatchSize + 1, cancellationToken).ConfigureAwait(false);
            hasMore = due.Count > _options.BatchSize;
            if (hasMore)
            {
                due.RemoveRange(_options.BatchSize, due.Count - _options.BatchSize);
            }

            var domains = due.Where(a => a.DomainId is not null).Select(a => a.DomainId!.Value).Distinct().ToList();
            await store.LockDomainsAsync(unit, domains, cancellationToken).ConfigureAwait(false);
            var inForce = _options.ReplaceLastActiveAssignment
                ? await store.DomainsInForceAsync(unit, domains, now, cancellationToken).ConfigureAwait(false)
                : [];
            // Replacements first, earliest due first; then every assignment not kept is expired in one step.
            var replacements = new Dictionary<DomainIpAssignmentId, IpAllocation>();
            var toExpire = new List<DomainIpAssignment>(due.Count);
            foreach (var current in due)
            {
                var (kept, replacement) = await ReplaceAsync(store, unit, current, now, inForce, logs, cancellationToken).ConfigureAwait(false);
                if (kept is not null)
                {
                    moves.Add(kept);
                    continue;
                }

                if (replacement is not null)
                {
                    replacements[current.Id] = replacement;
                }

                toExpire.Add(current);
            }

            var released = await store.ExpireAndReleaseAsync(unit, toExpire, now, cancellationToken).ConfigureAwait(false);
            foreach (var current in toExpire)
            {
                moves.Add(Expired(current, released, replacements.GetValueOrDefault(current.Id), logs));
            }

            // Reported in the batch's order (earliest due first), kept ones included.
            var position = new Dictionary<DomainIpAssignmentId, int>(due.Count);
            for (var i = 0; i < due.Count; i++)
            {
                position[due[i].Id] = i;
            }

            moves.Sort((x, y) => position[x.AssignmentId].CompareTo(position[y.AssignmentId]));
            await unit.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Logged once committed: a rolled-back batch expired nothing.
        foreach (var log in logs)
        {
            log();
        }

        var result = new IpRotationResult(now, moves, hasMore);
        IpAllocationLog.RotationCompleted(_logger, now, result.Examined, result.ExpiredCount, result.ReplacedCount, result.KeptCount, result.SkippedCount);
        return result;
    }

    private async Task<(IpRotationMove? Kept, IpAllocation? Replacement)> ReplaceAsync(
        IIpRotationStore store,
        IInfraUnitOfWork unit,
        DomainIpAssignment current,
        DateTimeOffset now,
        HashSet<DomainId> inForce,
        List<Action> logs,
        CancellationToken cancellationToken)
    {
        if (!_options.ReplaceLastActiveAssignment
            || current.DomainId is not { } domain
            || current.Status is not (DomainIpAssignmentStatus.Active or DomainIpAssignmentStatus.Warming)
            || inForce.Contains(domain))
        {
            return (null, null);
        }

        try
        {
            // The domain still holds the due IP here, so the allocator never gives it back.
            var replacement = await store.AllocateAsync(
                    unit,
                    new IpAllocationRequest(domain) { Expires = _options.ReplacementDuration is { } d ? now + d : null },
                    cancellationToken)
                .ConfigureAwait(false);
            inForce.Add(domain);
            return (null, replacement);
        }
        catch (IpPoolExhaustedException ex)
        {
            logs.Add(() => IpAllocationLog.Kept(_logger, current.Id, current.DomainId, ex.Reason));
            return (new IpRotationMove(current.Id, current.DomainId, current.SmtpIpAddressId, IpRotationOutcome.KeptNoReplacement, NoReplacementReason: ex.Reason), null);
        }
    }

    private IpRotationMove Expired(DomainIpAssignment current, Dictionary<DomainIpAssignmentId, IpRelease> released, IpAllocation? replacement, List<Action> logs)
    {
        if (!released.TryGetValue(current.Id, out var release))
        {
            logs.Add(() => IpAllocationLog.RotationSkipped(_logger, current.Id, "already expired, deleted or no longer due"));
            return new IpRotationMove(current.Id, current.DomainId, current.SmtpIpAddressId, IpRotationOutcome.AlreadyHandled);
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            string from = release.Before?.ToDatabaseValue() ?? "-", to = release.After?.ToDatabaseValue() ?? "-";
            logs.Add(() => IpAllocationLog.Expired(_logger, current.Id, current.DomainId, current.SmtpIpAddressId, from, to));
            if (replacement is { } r)
            {
                logs.Add(() => IpAllocationLog.Replaced(_logger, current.DomainId, current.SmtpIpAddressId, r.Ip.Id, r.Assignment.Id));
            }
        }

        return new IpRotationMove(
            current.Id,
            current.DomainId,
            current.SmtpIpAddressId,
            replacement is null ? IpRotationOutcome.Expired : IpRotationOutcome.Replaced,
            release.Before,
            release.After,
            replacement);
    }
}
