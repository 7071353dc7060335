using System.Collections.Concurrent;
using System.Globalization;

namespace PenguinMails.Infrastructure.TestKit.Reliability;

/// <summary>What a recorded operation did to one row.</summary>
public enum LedgerOperationKind
{
    /// <summary>Inserted the row <see cref="LedgerEntry.Key"/>; <see cref="LedgerEntry.To"/> is its initial status.</summary>
    Insert,

    /// <summary>Moved the row's status from <see cref="LedgerEntry.From"/> to <see cref="LedgerEntry.To"/> (a compare-and-set).</summary>
    Transition,

    /// <summary>Wrote the value <see cref="LedgerEntry.To"/>, unique to this operation, into the row's marker field.</summary>
    Write,

    /// <summary>Deleted the row.</summary>
    Delete,
}

/// <summary>How an operation ended, as its caller saw it.</summary>
public enum LedgerOutcome
{
    /// <summary>Reported as successful: its effect must be in the database.</summary>
    Acknowledged,

    /// <summary>Reported as failed with nothing written: its effect must not be in the database.</summary>
    Failed,

    /// <summary>
    /// Failed with <c>TransientDatabaseException.CommitOutcomeUnknown</c>: the effect may or may not be in the database,
    /// but never partly.
    /// </summary>
    Unknown,
}

/// <summary>One recorded operation.</summary>
/// <param name="Sequence">The order in which it was recorded (1, 2, ...).</param>
/// <param name="Kind">What it did.</param>
/// <param name="Entity">The entity (table) name, for example <c>SmtpIpAddress</c>.</param>
/// <param name="Key">The row's id.</param>
/// <param name="From">The expected status of a transition, else null.</param>
/// <param name="To">The new status of a transition or insert, or the value of a write.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Error">The exception type of a failure, else null.</param>
public sealed record LedgerEntry(
    long Sequence,
    LedgerOperationKind Kind,
    string Entity,
    string Key,
    string? From,
    string? To,
    LedgerOutcome Outcome,
    string? Error
);

/// <summary>
/// The acknowledged and failed operations of a test, recorded by its workers (thread-safe), for
/// <see cref="InvariantChecker"/> to compare with the database at the end. A failure is classified by its exception:
/// a <c>TransientDatabaseException</c> whose commit outcome is unknown is <see cref="LedgerOutcome.Unknown"/>, any other
/// package exception (or a cancellation) is <see cref="LedgerOutcome.Failed"/>, and anything else is also kept in
/// <see cref="UntypedErrors"/>, which a test expects to be empty (a raw driver exception is a bug).
/// </summary>
public sealed class OperationLedger
{
    private readonly ConcurrentQueue<LedgerEntry> _entries = new();
    private readonly ConcurrentQueue<Exception> _untyped = new();
    private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>Every entry, in the order recorded.</summary>
    public IReadOnlyList<LedgerEntry> Entries => _entries.OrderBy(e => e.Sequence).ToArray();

    /// <summary>Failures whose exception is not one of the package's typed exceptions nor a cancellation.</summary>
    public IReadOnlyList<Exception> UntypedErrors => _untyped.ToArray();

    /// <summary>How many failures there were per exception type name.</summary>
    public IReadOnlyDictionary<string, int> ErrorCounts => new SortedDictionary<string, int>(_errors, StringComparer.Ordinal);

    /// <summary>How many entries ended with <paramref name="outcome"/>.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>The count.</returns>
    public int Count(LedgerOutcome outcome) => _entries.Count(e => e.Outcome == outcome);

    /// <summary>How many failures had an exception of type <typeparamref name="TException"/>.</summary>
    /// <typeparam name="TException">The exception type.</typeparam>
    /// <returns>The count.</returns>
    public int ErrorCount<TException>()
        where TException : Exception => _errors.TryGetValue(typeof(TException).Name, out var n) ? n : 0;

    /// <summary>Records an operation reported as successful.</summary>
    /// <param name="kind">What it did.</param>
    /// <param name="entity">The entity name.</param>
    /// <param name="key">The row's id.</param>
    /// <param name="from">The expected status of a transition.</param>
    /// <param name="to">The new status, or the written value.</param>
    /// <returns>The entry.</returns>
    public LedgerEntry Acknowledge(LedgerOperationKind kind, string entity, string key, string? from = null, string? to = null) =>
        Add(kind, entity, key, from, to, LedgerOutcome.Acknowledged, null);

    /// <summary>Records an operation that threw <paramref name="error"/>, classified as described on the class.</summary>
    /// <param name="kind">What it tried.</param>
    /// <param name="entity">The entity name.</param>
    /// <param name="key">The row's id.</param>
    /// <param name="error">What it threw.</param>
    /// <param name="from">The expected status of a transition.</param>
    /// <param name="to">The new status, or the value it tried to write.</param>
    /// <returns>The entry.</returns>
    public LedgerEntry Fail(LedgerOperationKind kind, string entity, string key, Exception error, string? from = null, string? to = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        _errors.AddOrUpdate(error.GetType().Name, 1, static (_, n) => n + 1);
        return Add(kind, entity, key, from, to, Classify(error), error.GetType().Name);
    }

    /// <summary>
    /// The outcome of an operation that threw <paramref name="error"/>; an untyped error is remembered in
    /// <see cref="UntypedErrors"/> and counts as failed.
    /// </summary>
    /// <param name="error">What it threw.</param>
    /// <returns>The outcome.</returns>
    public LedgerOutcome Classify(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        switch (error)
        {
            case Core.TransientDatabaseException { CommitOutcomeUnknown: true }:
                return LedgerOutcome.Unknown;
            case Core.PenguinMailsException:
            case OperationCanceledException:
                return LedgerOutcome.Failed;
            default:
                _untyped.Enqueue(error);
                return LedgerOutcome.Failed;
        }
    }

    /// <summary>A one-line summary: counts per outcome and per error type.</summary>
    /// <returns>The summary.</returns>
    public override string ToString()
    {
        var errors = _errors.IsEmpty ? "none" : string.Join(", ", ErrorCounts.Select(kv => kv.Key + "=" + kv.Value.ToString(CultureInfo.InvariantCulture)));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{_entries.Count} operations: {Count(LedgerOutcome.Acknowledged)} acknowledged, {Count(LedgerOutcome.Failed)} failed, {Count(LedgerOutcome.Unknown)} unknown; errors: {errors}");
    }

    private LedgerEntry Add(LedgerOperationKind kind, string entity, string key, string? from, string? to, LedgerOutcome outcome, string? error)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(key);
        var entry = new LedgerEntry(Interlocked.Increment(ref _sequence), kind, entity, key, from, to, outcome, error);
        _entries.Enqueue(entry);
        return entry;
    }
}
