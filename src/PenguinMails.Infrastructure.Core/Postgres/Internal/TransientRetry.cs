using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PenguinMails.Infrastructure.Core.Reliability;
using Polly;
using Polly.Retry;

namespace PenguinMails.Infrastructure.Core.Postgres.Internal;

/// <summary>
/// The optional retry of transient failures for the PostgreSQL repositories of one data source (see
/// <see cref="TransientRetryOptions"/>). Built once by a registration with retry on and handed to the executors of its
/// repositories; <see cref="PgExecutor"/> uses it only for calls outside a unit of work. A repository an application
/// constructs itself does not retry.
/// </summary>
/// <remarks>
/// Retried: a <see cref="TransientDatabaseException"/> from a statement declared a read (<see cref="Statement.Read"/>:
/// it changes nothing and takes no lock), and from a write
/// whose <see cref="TransientDatabaseException.CommitOutcomeUnknown"/> is false (the connection could not be opened, or
/// the server answered with an error that aborted the statement: nothing was written, so repeating it is the first
/// attempt again, even for a compare-and-set or an insert). Never retried: a write whose outcome is unknown (a repeated
/// compare-and-set could apply a second time after another caller moved the row back, a repeated insert could report a
/// duplicate of itself), anything inside a unit of work (its transaction is gone; only the caller can redo the whole
/// unit), a commit, a bulk import, and every other error (conflicts, validation, not found).
/// </remarks>
internal sealed partial class TransientRetry
{
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;

    public TransientRetry(TransientRetryOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _logger = logger ?? NullLogger.Instance;
        var retry = new RetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetryAttempts,
            Delay = options.Delay,
            MaxDelay = options.MaxDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = static args => ValueTask.FromResult(
                args.Outcome.Exception is TransientDatabaseException transient
                && (!transient.CommitOutcomeUnknown || args.Context.Properties.TryGetValue(ReadOnlyKey, out var readOnly) && readOnly)),
            OnRetry = args =>
            {
                args.Context.Properties.TryGetValue(EntityKey, out var entity);
                Log.Retrying(_logger, entity ?? "?", args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.GetType().Name ?? "?");
                return default;
            },
        };
        var builder = new ResiliencePipelineBuilder().AddRetry(retry);
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        _pipeline = builder.Build();
    }

    private static readonly ResiliencePropertyKey<bool> ReadOnlyKey = new("penguinmails.read-only");
    private static readonly ResiliencePropertyKey<string> EntityKey = new("penguinmails.entity");

    /// <summary>Runs <paramref name="attempt"/>, repeating it after a transient failure when that is safe for the declared <paramref name="statement"/>.</summary>
    public async Task<TResult> ExecuteAsync<TResult>(string entity, Statement statement, Func<CancellationToken, Task<TResult>> attempt, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(ReadOnlyKey, statement == Statement.Read);
            context.Properties.Set(EntityKey, entity);
            return await _pipeline.ExecuteAsync(
                    static async (ctx, state) => await state(ctx.CancellationToken).ConfigureAwait(false),
                    context,
                    attempt)
                .ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(
            EventId = PenguinMailsInfraEventIds.TransientRetry,
            EventName = nameof(PenguinMailsInfraEventIds.TransientRetry),
            Level = LogLevel.Warning,
            Message = "Transient database failure during {Entity} operation ({ExceptionType}); retry {Attempt} in {DelayMs} ms")]
        public static partial void Retrying(ILogger logger, string entity, int attempt, double delayMs, string exceptionType);
    }
}
