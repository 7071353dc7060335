using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>The implementation of <see cref="IReputationPolicyService"/> over <see cref="ISmtpIpAddressRepository"/> (the same on every store).</summary>
public sealed class ReputationPolicyService : IReputationPolicyService
{
    /// <summary>
    /// The counter of reputation moves, <c>penguinmails.infra.reputation_moves</c>, on the package's meter: tags
    /// <c>to</c> (database status), <c>reason</c> (<see cref="ReputationMoveReasonExtensions.ToTagValue"/>) and
    /// <c>outcome</c> (<c>applied</c> or <c>lost_race</c>).
    /// </summary>
    public const string MovesCounterName = "penguinmails.infra.reputation_moves";

    private static readonly Counter<long> Moves = InfraTelemetry.Meter.CreateCounter<long>(
        MovesCounterName,
        unit: "{move}",
        description: "Reputation policy moves by target status, reason and outcome (applied, lost_race).");

    private readonly ISmtpIpAddressRepository _ips;
    private readonly ReputationPolicyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes the service.</summary>
    /// <param name="ips">The IP repository.</param>
    /// <param name="options">The thresholds.</param>
    /// <param name="timeProvider">The clock; the system clock by default.</param>
    /// <param name="logger">The logger, or null for none.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ReputationPolicyService(ISmtpIpAddressRepository ips, ReputationPolicyOptions options, TimeProvider? timeProvider = null, ILogger<ReputationPolicyService>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(ips);
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _ips = ips;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReputationRecommendation>> RecommendAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<SmtpIpAddress>();
        var page = new PageRequest(PageRequest.MaxLimit);
        while (true)
        {
            var result = await _ips.ListAsync(null, page, cancellationToken).ConfigureAwait(false);
            all.AddRange(result.Items);
            if (!result.HasMore)
            {
                break;
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }

        return ReputationPolicy.RecommendAll(all, _options, _time.GetUtcNow());
    }

    /// <inheritdoc />
    public async Task<ReputationApplyResult> ApplyAsync(IEnumerable<ReputationRecommendation> recommendations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        var applied = new List<ReputationAppliedMove>();
        var lost = new List<ReputationLostRace>();
        foreach (var recommendation in recommendations)
        {
            ArgumentNullException.ThrowIfNull(recommendation);
            var from = recommendation.From.ToDatabaseValue();
            var to = recommendation.To.ToDatabaseValue();
            var reason = recommendation.Reason.ToTagValue();
            try
            {
                var stored = await _ips.ChangeStatusAsync(recommendation.Ip, recommendation.To, cancellationToken).ConfigureAwait(false);
                applied.Add(new ReputationAppliedMove(recommendation, stored));
                ReputationPolicyLog.Moved(_logger, stored.Id, from, to, reason, recommendation.Explanation);
                Count(to, reason, "applied");
            }
            catch (Exception ex) when (ex is ConcurrencyConflictException or EntityNotFoundException)
            {
                lost.Add(new ReputationLostRace(recommendation, ex.Message));
                ReputationPolicyLog.LostRace(_logger, recommendation.Ip.Id, from, to, reason, ex.GetType().Name);
                Count(to, reason, "lost_race");
            }
        }

        return new ReputationApplyResult(applied, lost);
    }

    private static void Count(string to, string reason, string outcome)
    {
        if (Moves.Enabled)
        {
            Moves.Add(
                1,
                new KeyValuePair<string, object?>(InfraTelemetry.ToTag, to),
                new KeyValuePair<string, object?>("reason", reason),
                new KeyValuePair<string, object?>(InfraTelemetry.OutcomeTag, outcome));
        }
    }
}
