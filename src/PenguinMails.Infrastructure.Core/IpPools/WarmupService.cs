using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>The implementation of <see cref="IWarmupService"/> over the repository interfaces (the same on every store).</summary>
public sealed class WarmupService : IWarmupService
{
    private const int ReadPageSize = PageRequest.MaxLimit;

    private readonly ISmtpIpAddressRepository _ips;
    private readonly IDomainIpAssignmentRepository _assignments;
    private readonly WarmupOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes the service.</summary>
    /// <param name="ips">The IP repository.</param>
    /// <param name="assignments">The assignment repository.</param>
    /// <param name="options">The options (validated here as at start-up).</param>
    /// <param name="timeProvider">The clock; the system clock by default.</param>
    /// <param name="logger">The logger, or null for none.</param>
    /// <exception cref="EntityValidationException">A plan of the options breaks a rule.</exception>
    /// <exception cref="EntityNotFoundException">The default plan of the options does not exist.</exception>
    public WarmupService(
        ISmtpIpAddressRepository ips,
        IDomainIpAssignmentRepository assignments,
        WarmupOptions options,
        TimeProvider? timeProvider = null,
        ILogger<WarmupService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(ips);
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RewarmAfterUnusedDays, 1);
        _ips = ips;
        _assignments = assignments;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Catalog = new WarmupPlanCatalog(options);
    }

    /// <inheritdoc />
    public WarmupPlanCatalog Catalog { get; }

    /// <inheritdoc />
    public WarmupProgress GetProgress(DomainIpAssignment assignment, string? planName = null)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return Catalog.For(assignment, planName).Evaluate(assignment, _time.GetUtcNow());
    }

    /// <inheritdoc />
    public async Task<WarmupProgress> GetProgressAsync(DomainIpAssignmentId assignmentId, string? planName = null, CancellationToken cancellationToken = default)
    {
        var assignment = await _assignments.GetAsync(assignmentId, cancellationToken).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(nameof(DomainIpAssignment), assignmentId.ToString());
        return GetProgress(assignment, planName);
    }

    /// <inheritdoc />
    public async Task<WarmupAdvanceResult> AdvanceCompletedAsync(CancellationToken cancellationToken = default)
    {
        var assignments = await ReadAllAssignmentsAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var lost = new List<WarmupLostRace>();
        var warmed = new List<DomainIpAssignment>();
        var current = assignments.ToDictionary(a => a.Id);
        foreach (var assignment in WarmupPlanner.CompletedWarmups(assignments, a => Catalog.For(a), now))
        {
            var plan = Catalog.For(assignment).Name;
            try
            {
                var stored = await _assignments.ChangeWarmupStateAsync(assignment, WarmupState.Warmed, cancellationToken).ConfigureAwait(false);
                current[stored.Id] = stored;
                warmed.Add(stored);
                WarmupLog.AssignmentWarmed(_logger, stored.Id, plan);
            }
            catch (Exception ex) when (ex is ConcurrencyConflictException or EntityNotFoundException or InvalidStatusTransitionException)
            {
                lost.Add(new WarmupLostRace(nameof(DomainIpAssignment), assignment.Id.ToString(), ex.Message));
                WarmupLog.LostRace(_logger, nameof(DomainIpAssignment), assignment.Id.ToString(), ex.GetType().Name);
            }
        }

        var warmingIps = await ReadAllIpsAsync(new SmtpIpAddressFilter(Status: SmtpIpAddressStatus.Warming), cancellationToken).ConfigureAwait(false);
        var ipsWarmed = new List<SmtpIpAddress>();
        foreach (var ip in WarmupPlanner.IpsReadyToBeWarmed(warmingIps, current.Values, now))
        {
            try
            {
                var stored = await _ips.ChangeStatusAsync(ip, SmtpIpAddressStatus.Warmed, cancellationToken).ConfigureAwait(false);
                ipsWarmed.Add(stored);
                WarmupLog.IpWarmed(_logger, stored.Id);
            }
            catch (Exception ex) when (ex is ConcurrencyConflictException or EntityNotFoundException)
            {
                lost.Add(new WarmupLostRace(nameof(SmtpIpAddress), ip.Id.ToString(), ex.Message));
                WarmupLog.LostRace(_logger, nameof(SmtpIpAddress), ip.Id.ToString(), ex.GetType().Name);
            }
        }

        return new WarmupAdvanceResult(warmed, ipsWarmed, lost);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WarmupRewarmRecommendation>> FindIpsNeedingRewarmAsync(CancellationToken cancellationToken = default)
    {
        var ips = await ReadAllIpsAsync(null, cancellationToken).ConfigureAwait(false);
        var assignments = await ReadAllAssignmentsAsync(cancellationToken).ConfigureAwait(false);
        return WarmupPlanner.IpsNeedingRewarm(ips, assignments, _options.RewarmAfterUnusedDays, _time.GetUtcNow());
    }

    /// <inheritdoc />
    public async Task<WarmupRewarmResult> ApplyRewarmAsync(IEnumerable<WarmupRewarmRecommendation> recommendations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        var applied = new List<SmtpIpAddress>();
        var notAllowed = new List<WarmupRewarmRecommendation>();
        var lost = new List<WarmupLostRace>();
        foreach (var recommendation in recommendations)
        {
            ArgumentNullException.ThrowIfNull(recommendation);
            if (!SmtpIpAddressLifecycle.Definition.CanTransition(recommendation.Ip.Status, SmtpIpAddressStatus.Warming))
            {
                notAllowed.Add(recommendation);
                continue;
            }

            var from = recommendation.Ip.Status.ToDatabaseValue();
            try
            {
                var stored = await _ips.ChangeStatusAsync(recommendation.Ip, SmtpIpAddressStatus.Warming, cancellationToken).ConfigureAwait(false);
                applied.Add(stored);
                WarmupLog.IpRewarming(_logger, stored.Id, from, recommendation.UnusedDays);
            }
            catch (Exception ex) when (ex is ConcurrencyConflictException or EntityNotFoundException)
            {
                lost.Add(new WarmupLostRace(nameof(SmtpIpAddress), recommendation.Ip.Id.ToString(), ex.Message));
                WarmupLog.LostRace(_logger, nameof(SmtpIpAddress), recommendation.Ip.Id.ToString(), ex.GetType().Name);
            }
        }

        return new WarmupRewarmResult(applied, notAllowed, lost);
    }

    private async Task<List<DomainIpAssignment>> ReadAllAssignmentsAsync(CancellationToken cancellationToken)
    {
        var all = new List<DomainIpAssignment>();
        var page = new PageRequest(ReadPageSize);
        while (true)
        {
            var result = await _assignments.ListAsync(null, page, cancellationToken).ConfigureAwait(false);
            all.AddRange(result.Items);
            if (!result.HasMore)
            {
                return all;
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }
    }

    private async Task<List<SmtpIpAddress>> ReadAllIpsAsync(SmtpIpAddressFilter? filter, CancellationToken cancellationToken)
    {
        var all = new List<SmtpIpAddress>();
        var page = new PageRequest(ReadPageSize);
        while (true)
        {
            var result = await _ips.ListAsync(filter, page, cancellationToken).ConfigureAwait(false);
            all.AddRange(result.Items);
            if (!result.HasMore)
            {
                return all;
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }
    }
}
