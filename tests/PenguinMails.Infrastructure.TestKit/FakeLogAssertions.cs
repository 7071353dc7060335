using Microsoft.Extensions.Logging.Testing;

namespace PenguinMails.Infrastructure.TestKit;

/// <summary>Short reads of a <see cref="FakeLogger{T}"/>'s records for assertions.</summary>
public static class FakeLogAssertions
{
    extension(FakeLogger logger)
    {
        /// <summary>A copy of the records so far.</summary>
        public IReadOnlyList<FakeLogRecord> Entries => logger.Collector.GetSnapshot();

        /// <summary>How many records so far have the event id <paramref name="eventId"/>.</summary>
        /// <param name="eventId">The event id.</param>
        /// <returns>The count.</returns>
        public int Count(int eventId) => logger.Collector.GetSnapshot().Count(r => r.Id.Id == eventId);
    }
}
