using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using PenguinMails.Infrastructure.Core;

namespace PenguinMails.Infrastructure.TestKit;

/// <summary>
/// Listens to the package's <see cref="ActivitySource"/> and <see cref="Meter"/> (filtered by name) and keeps only the
/// spans and measurements made in the asynchronous flow of the test that created it: test classes run in parallel and
/// share the static source and meter, so the capture marks its flow with an <see cref="AsyncLocal{T}"/> and ignores
/// everything recorded elsewhere. Outside a marked flow the callbacks return at once and allocate nothing (the
/// zero-allocation tests of the evaluator and the permission checker may run beside it). Create it at the start of
/// the test method (not in a constructor or fixture, whose flow is not the test's).
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    private static readonly AsyncLocal<TelemetryCapture?> Current = new();

    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public TelemetryCapture()
    {
        Current.Value = this;
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PenguinMailsInfraTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
                ReferenceEquals(Current.Value, this) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (ReferenceEquals(Current.Value, this))
                {
                    _spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);

        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PenguinMailsInfraTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>(OnMeasurement);
        _meters.Start();
    }

    /// <summary>The spans stopped in this test's flow, in the order they stopped.</summary>
    public IReadOnlyList<Activity> Spans => [.. _spans];

    /// <summary>The counter measurements made in this test's flow.</summary>
    public IReadOnlyList<Measurement> Measurements => [.. _measurements];

    /// <summary>The sum of the measurements of <paramref name="instrument"/> whose tags include every pair of <paramref name="tags"/>.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) =>
        _measurements
            .Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
            .Sum(m => m.Value);

    public void Dispose()
    {
        if (ReferenceEquals(Current.Value, this))
        {
            Current.Value = null;
        }

        _activities.Dispose();
        _meters.Dispose();
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (!ReferenceEquals(Current.Value, this))
        {
            return;
        }

        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(new Measurement(instrument.Name, value, copy));
    }

    /// <summary>One counter measurement.</summary>
    public sealed record Measurement(string Instrument, long Value, IReadOnlyDictionary<string, object?> Tags);
}
