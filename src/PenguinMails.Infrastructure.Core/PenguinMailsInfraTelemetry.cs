namespace PenguinMails.Infrastructure.Core;

/// <summary>
/// The names under which the package publishes traces and metrics, for
/// <c>AddSource(PenguinMailsInfraTelemetry.ActivitySourceName)</c> and
/// <c>AddMeter(PenguinMailsInfraTelemetry.MeterName)</c>. See <c>docs/observability.md</c>.
/// </summary>
public static class PenguinMailsInfraTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> (statement and migration spans).</summary>
    public const string ActivitySourceName = "PenguinMails.Infrastructure.Core";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> (the counters below).</summary>
    public const string MeterName = "PenguinMails.Infrastructure.Core";

    /// <summary>Flag evaluations, tagged <c>outcome</c> = <c>on</c>, <c>off</c> or <c>unknown</c>.</summary>
    public const string FlagEvaluationsCounter = "penguinmails.infra.flag_evaluations";

    /// <summary>Permission checks that denied (<c>EnsurePermissionAsync</c> throwing <see cref="PermissionDeniedException"/>).</summary>
    public const string PermissionDenialsCounter = "penguinmails.infra.permission_denials";

    /// <summary>Successful status (and warmup state) changes, tagged <c>entity</c>, <c>from</c> and <c>to</c> (database strings).</summary>
    public const string StatusTransitionsCounter = "penguinmails.infra.status_transitions";

    /// <summary>Concurrency conflicts raised by the repositories, tagged <c>entity</c>.</summary>
    public const string ConcurrencyConflictsCounter = "penguinmails.infra.concurrency_conflicts";
}
