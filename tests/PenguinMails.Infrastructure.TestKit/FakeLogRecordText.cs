using Microsoft.Extensions.Logging.Testing;

namespace PenguinMails.Infrastructure.TestKit;

/// <summary>Reads of one <see cref="FakeLogRecord"/> for assertions.</summary>
public static class FakeLogRecordText
{
    extension(FakeLogRecord record)
    {
        /// <summary>The record's event id (the same as <see cref="FakeLogRecord.Id"/>).</summary>
        public Microsoft.Extensions.Logging.EventId EventId => record.Id;

        /// <summary>
        /// The message, then every structured value (they reach sinks even when the template does not print them), then
        /// the whole exception chain as <see cref="Exception.ToString"/> prints it.
        /// </summary>
        public string FullText
        {
            get
            {
                var text = record.Message;
                if (record.StructuredState is { Count: > 0 } values)
                {
                    text += " {" + string.Join(", ", values.Select(v => v.Key + "=" + v.Value)) + "}";
                }

                return record.Exception is null ? text : text + Environment.NewLine + record.Exception;
            }
        }
    }
}
