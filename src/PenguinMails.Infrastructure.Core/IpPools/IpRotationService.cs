using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.Internal;
using PenguinMails.Infrastructure.Core.SmtpIps;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>
/// Rotation by expiry, the same on every store: finds the assignments whose <c>expires</c> has passed and, for each in a
/// transaction of its own, locks the domain (<see cref="IIpPoolAllocator.LockDomainAsync"/>), re-reads the assignment,
/// allocates a replacement first when it is the domain's last in-force IP, then expires it (compare-and-set),
/// decrements the IP's <c>assigned_count</c> and returns an <c>assigned</c> IP left without assignments to
/// <c>available</c>.
/// </summary>
public sealed class IpRotationService : IIpRotationService
{
    internal const string RotateSpan = "IpPool rotate";

    private static readonly DomainIpAssignmentStatus[] NotExpired =
        [DomainIpAssignmentStatus.Scheduled, DomainIpAssignmentStatus.Warming, DomainIpAssignmentStatus.Active];

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
        var (due, hasMore) = await FindDueAsync(now, cancellationToken).ConfigureAwait(false);
        var moves = new List<IpRotationMove>(due.Count);
        foreach (var assignment in due)
        {
            moves.Add(await RotateOneAsync(assignment, now, cancellationToken).ConfigureAwait(false));
        }

        var result = new IpRotationResult(now, moves, hasMore);
        IpAllocationLog.RotationCompleted(_logger, now, result.Examined, result.ExpiredCount, result.ReplacedCount, result.KeptCount, result.SkippedCount);
        return result;
    }

    private async Task<(List<DomainIpAssignment> Due, bool HasMore)> FindDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // "Passed" is expires <= now; timestamps are stored to the microsecond, so that is expires < now + 1 µs.
        var before = now + StoreClock.Tick;
        var due = new List<DomainIpAssignment>();
        var unit = await _allocator.UnitOfWork.BeginAsync(cancellationToken).ConfigureAwait(false);
        await using (unit.ConfigureAwait(false))
        {
            foreach (var status in NotExpired)
            {
                PageRequest? page = PageRequest.First with { Limit = Math.Min(PageRequest.MaxLimit, _options.BatchSize + 1) };
                var taken = 0;
                while (page is not null && taken <= _options.BatchSize)
                {
                    var result = await unit.DomainIpAssignments.ListAsync(new DomainIpAssignmentFilter(Status: status, ExpiringBefore: before), page, cancellationToken)
                        .ConfigureAwait(false);
                    due.AddRange(result.Items);
                    taken += result.Items.Count;
                    page = result.ContinuationToken is { } token ? page with { ContinuationToken = token } : null;
                }
            }

            await unit.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }

        due.Sort(static (a, b) =>
        {
            var c = Nullable.Compare(a.Expires, b.Expires);
            return c != 0 ? c : ContinuationToken.CompareUuid(a.Id.Value, b.Id.Value);
        });
        var hasMore = due.Count > _options.BatchSize;
        return (hasMore ? due[.._options.BatchSize] : due, hasMore);
    }

    private async Task<IpRotationMove> RotateOneAsync(DomainIpAssignment due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var unit = await _allocator.UnitOfWork.BeginAsync(cancellationToken).ConfigureAwait(false);
            await using (unit.ConfigureAwait(false))
            {
                if (due.DomainId is { } lockDomain)
                {
                    await _allocator.LockDomainAsync(unit, lockDomain, cancellationToken).ConfigureAwait(false);
                }

                var current = await unit.DomainIpAssignments.GetAsync(due.Id, cancellationToken).ConfigureAwait(false);
                if (current is null || current.Status == DomainIpAssignmentStatus.Expired || current.Expires is not { } expires || expires > now)
                {
                    IpAllocationLog.RotationSkipped(_logger, due.Id, "already expired, deleted or no longer due");
                    return new IpRotationMove(due.Id, due.DomainId, due.SmtpIpAddressId, IpRotationOutcome.AlreadyHandled);
                }

                IpAllocation? replacement = null;
                if (_options.ReplaceLastActiveAssignment
                    && current.DomainId is { } domain
                    && current.Status is DomainIpAssignmentStatus.Active or DomainIpAssignmentStatus.Warming
                    && !await HasOtherInForceAsync(unit, current, now, cancellationToken).ConfigureAwait(false))
                {
                    try
                    {
                        // The domain still holds the due IP here, so the allocator never gives it back.
                        replacement = await _allocator.AllocateAsync(
                                unit,
                                new IpAllocationRequest(domain) { Expires = _options.ReplacementDuration is { } d ? now + d : null },
                                cancellationToken)
                            .ConfigureAwait(false);
                    }
                    catch (IpPoolExhaustedException ex)
                    {
                        IpAllocationLog.Kept(_logger, current.Id, current.DomainId, ex.Reason);
                        return new IpRotationMove(current.Id, current.DomainId, current.SmtpIpAddressId, IpRotationOutcome.KeptNoReplacement, NoReplacementReason: ex.Reason);
                    }
                }

                var (before, after) = await IpAllocationReads.ExpireAndReleaseAsync(unit, current, cancellationToken).ConfigureAwait(false);
                await unit.CommitAsync(cancellationToken).ConfigureAwait(false);
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    string from = before?.ToDatabaseValue() ?? "-", to = after?.ToDatabaseValue() ?? "-";
                    IpAllocationLog.Expired(_logger, current.Id, current.DomainId, current.SmtpIpAddressId, from, to);
                    if (replacement is not null)
                    {
                        IpAllocationLog.Replaced(_logger, current.DomainId, current.SmtpIpAddressId, replacement.Ip.Id, replacement.Assignment.Id);
                    }
                }

                return new IpRotationMove(
                    current.Id,
                    current.DomainId,
                    current.SmtpIpAddressId,
                    replacement is null ? IpRotationOutcome.Expired : IpRotationOutcome.Replaced,
                    before,
                    after,
                    replacement);
            }
        }
        catch (ConcurrencyConflictException ex)
        {
            IpAllocationLog.RotationSkipped(_logger, due.Id, ex.Reason);
            return new IpRotationMove(due.Id, due.DomainId, due.SmtpIpAddressId, IpRotationOutcome.Conflict);
        }
    }

    private static async Task<bool> HasOtherInForceAsync(IInfraUnitOfWork unit, DomainIpAssignment current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var all = await IpAllocationReads.AssignmentsAsync(unit, new DomainIpAssignmentFilter(DomainId: current.DomainId), cancellationToken).ConfigureAwait(false);
        return all.Any(a => a.Id != current.Id && a.IsInForceAt(now));
    }
}
