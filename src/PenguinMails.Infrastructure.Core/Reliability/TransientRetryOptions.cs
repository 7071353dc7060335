namespace PenguinMails.Infrastructure.Core.Reliability;

/// <summary>
/// Optional retry of transient database failures (off by default). When on, a PostgreSQL repository call made outside
/// a unit of work is repeated after a <see cref="TransientDatabaseException"/> only when repeating is safe: a read
/// (it changes nothing), or a write that certainly did not reach the database
/// (<see cref="TransientDatabaseException.CommitOutcomeUnknown"/> false: the connection could not be opened, or the
/// server rejected the statement). A write whose outcome is unknown, a unit of work, its commit and bulk imports are
/// never retried. See <c>docs/reliability.md</c>.
/// </summary>
public sealed class TransientRetryOptions
{
    /// <summary>The configuration section name the options bind from by convention.</summary>
    public const string SectionName = "PenguinMailsInfra:TransientRetry";

    /// <summary>Whether transient failures are retried. False by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>How many times a call is repeated after its first attempt (1..10). 3 by default.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The delay before the first retry, doubled for each further one, with jitter (0..30 s). 100 ms by default.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay between two attempts (at least <see cref="Delay"/>, at most 5 min). 5 s by default.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Every invalid setting, named, or an empty list.</summary>
    /// <returns>The failures.</returns>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (MaxRetryAttempts is < 1 or > 10)
        {
            failures.Add($"TransientRetry:{nameof(MaxRetryAttempts)} must be between 1 and 10.");
        }

        if (Delay < TimeSpan.Zero || Delay > TimeSpan.FromSeconds(30))
        {
            failures.Add($"TransientRetry:{nameof(Delay)} must be between 0 and 30 seconds.");
        }

        if (MaxDelay < Delay || MaxDelay > TimeSpan.FromMinutes(5))
        {
            failures.Add($"TransientRetry:{nameof(MaxDelay)} must be at least {nameof(Delay)} and at most 5 minutes.");
        }

        return failures;
    }
}
