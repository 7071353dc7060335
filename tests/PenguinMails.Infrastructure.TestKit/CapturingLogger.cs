using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PenguinMails.Infrastructure.TestKit;

/// <summary>A logger that keeps every entry (event id, level, message, exception) for assertions.</summary>
/// <typeparam name="T">The category.</typeparam>
public sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception), exception));

    public int Count(int eventId) => Entries.Count(e => e.EventId == eventId);
}

/// <summary>One captured log entry.</summary>
public sealed record LogEntry(LogLevel Level, int EventId, string Message, Exception? Exception);
