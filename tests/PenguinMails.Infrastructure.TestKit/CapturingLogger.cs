using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.TestKit;

/// <summary>One captured log entry: level, event id and the formatted message (with the exception text, if any).</summary>
public sealed record CapturedLog(LogLevel Level, EventId EventId, string Message, Exception? Exception)
{
    /// <summary>The message followed by the whole exception chain as <see cref="Exception.ToString"/> prints it.</summary>
    public string FullText => Exception is null ? Message : Message + Environment.NewLine + Exception;
}

/// <summary>An <see cref="ILogger{T}"/> that keeps every entry at every level, for assertions. Thread-safe.</summary>
public sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly List<CapturedLog> _entries = [];

    /// <summary>A copy of the entries so far.</summary>
    public IReadOnlyList<CapturedLog> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>How many entries so far have the event id <paramref name="eventId"/>.</summary>
    /// <param name="eventId">The event id.</param>
    public int Count(int eventId)
    {
        lock (_entries)
        {
            return _entries.Count(e => e.EventId.Id == eventId);
        }
    }

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var text = formatter(state, exception);
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            // Structured values reach sinks even when the template does not print them: capture them too.
            text += " {" + string.Join(", ", values.Select(v => v.Key + "=" + v.Value)) + "}";
        }

        lock (_entries)
        {
            _entries.Add(new CapturedLog(logLevel, eventId, text, exception));
        }
    }
}
