using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>
/// The package's <see cref="ActivitySource"/>, <see cref="Meter"/> and counters. Every recording method checks first
/// whether anyone listens, so an application without a listener pays one field read and no allocation. Tag values are
/// constants or the interned strings of the enum maps, never built per call.
/// </summary>
internal static class InfraTelemetry
{
    public const string OutcomeTag = "outcome";
    public const string EntityTag = "entity";
    public const string OutcomeOn = "on";
    public const string OutcomeOff = "off";
    public const string OutcomeUnknown = "unknown";
    public const string FromTag = "from";
    public const string ToTag = "to";

    public const string DbSystemNameTag = "db.system.name";
    public const string DbOperationNameTag = "db.operation.name";
    public const string DbCollectionNameTag = "db.collection.name";
    public const string ErrorTypeTag = "error.type";
    public const string PostgreSql = "postgresql";

    public const string MigrationVersionTag = "penguinmails.migration.version";
    public const string MigrationNameTag = "penguinmails.migration.name";
    public const string DbNamespaceTag = "db.namespace";
    public const string MigrationDirectionTag = "penguinmails.migration.direction";

    public static readonly ActivitySource Source = new(PenguinMailsInfraTelemetry.ActivitySourceName);

    public static readonly Meter Meter = new(PenguinMailsInfraTelemetry.MeterName);

    public static readonly Counter<long> FlagEvaluations = Meter.CreateCounter<long>(
        PenguinMailsInfraTelemetry.FlagEvaluationsCounter,
        unit: "{evaluation}",
        description: "Feature flag evaluations by outcome (on, off, unknown).");

    public static readonly Counter<long> PermissionDenials = Meter.CreateCounter<long>(
        PenguinMailsInfraTelemetry.PermissionDenialsCounter,
        unit: "{denial}",
        description: "Permission checks that denied.");

    public static readonly Counter<long> StatusTransitions = Meter.CreateCounter<long>(
        PenguinMailsInfraTelemetry.StatusTransitionsCounter,
        unit: "{transition}",
        description: "Successful status and warmup state changes by entity, from and to.");

    public static readonly Counter<long> ConcurrencyConflicts = Meter.CreateCounter<long>(
        PenguinMailsInfraTelemetry.ConcurrencyConflictsCounter,
        unit: "{conflict}",
        description: "Concurrency conflicts raised by the repositories, by entity.");

    private static readonly ConditionalWeakTable<string, StatementInfo> Statements = new();

    /// <summary>Counts one flag evaluation; <paramref name="outcome"/> is one of the constants on/off/unknown.</summary>
    public static void FlagEvaluated(string outcome)
    {
        if (FlagEvaluations.Enabled)
        {
            FlagEvaluations.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome));
        }
    }

    /// <summary>Counts one permission denial.</summary>
    public static void PermissionDenied()
    {
        if (PermissionDenials.Enabled)
        {
            PermissionDenials.Add(1);
        }
    }

    /// <summary>The <c>entity</c> tag of warmup state changes (the status changes of the same rows use <c>DomainIpAssignment</c>).</summary>
    public const string WarmupStateEntity = nameof(DomainIpAssignment) + "." + nameof(WarmupState);

    /// <summary>Counts one successful VPS status change.</summary>
    public static void StatusChanged(VpsInstanceStatus from, VpsInstanceStatus to)
    {
        if (StatusTransitions.Enabled)
        {
            StatusChanged(nameof(VpsInstance), from.ToDatabaseValue(), to.ToDatabaseValue());
        }
    }

    /// <summary>Counts one successful SMTP IP status change.</summary>
    public static void StatusChanged(SmtpIpAddressStatus from, SmtpIpAddressStatus to)
    {
        if (StatusTransitions.Enabled)
        {
            StatusChanged(nameof(SmtpIpAddress), from.ToDatabaseValue(), to.ToDatabaseValue());
        }
    }

    /// <summary>Counts one successful assignment status change.</summary>
    public static void StatusChanged(DomainIpAssignmentStatus from, DomainIpAssignmentStatus to)
    {
        if (StatusTransitions.Enabled)
        {
            StatusChanged(nameof(DomainIpAssignment), from.ToDatabaseValue(), to.ToDatabaseValue());
        }
    }

    /// <summary>Counts one successful warmup state change.</summary>
    public static void StatusChanged(WarmupState from, WarmupState to)
    {
        if (StatusTransitions.Enabled)
        {
            StatusChanged(WarmupStateEntity, from.ToDatabaseValue(), to.ToDatabaseValue());
        }
    }

    /// <summary>Counts one successful transition of <paramref name="entity"/> from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static void StatusChanged(string entity, string from, string to)
    {
        if (StatusTransitions.Enabled)
        {
            StatusTransitions.Add(
                1,
                new KeyValuePair<string, object?>(EntityTag, entity),
                new KeyValuePair<string, object?>(FromTag, from),
                new KeyValuePair<string, object?>(ToTag, to));
        }
    }

    /// <summary>
    /// Counts <paramref name="exception"/> when it is a <see cref="ConcurrencyConflictException"/> and returns it
    /// unchanged, so a repository writes <c>throw InfraTelemetry.Conflict(...)</c> where it raises one.
    /// </summary>
    public static TException Conflict<TException>(TException exception)
        where TException : Exception
    {
        if (exception is ConcurrencyConflictException conflict && ConcurrencyConflicts.Enabled)
        {
            ConcurrencyConflicts.Add(1, new KeyValuePair<string, object?>(EntityTag, conflict.Entity));
        }

        return exception;
    }

    /// <summary>
    /// Starts a client span for one statement of <paramref name="entity"/> when someone listens, else returns null.
    /// The operation and table are parsed once per SQL text (the repositories keep their texts in fields).
    /// </summary>
    public static Activity? StartStatement(string entity, string sql)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var info = InfoFor(entity, sql);
        var name = info.Entity == entity ? info.SpanName : entity + " " + info.Operation;
        var activity = Source.StartActivity(name, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(DbSystemNameTag, PostgreSql);
            activity.SetTag(DbOperationNameTag, info.Operation);
            if (info.Table is not null)
            {
                activity.SetTag(DbCollectionNameTag, info.Table);
            }
        }

        return activity;
    }

    /// <summary>Starts the span of applying (<c>up</c>) or rolling back (<c>down</c>) one schema version, when someone listens.</summary>
    public static Activity? StartMigration(int version, string name, string direction, string schema)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(direction == "up" ? "migrate up" : "migrate down", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(DbSystemNameTag, PostgreSql);
            activity.SetTag(DbNamespaceTag, schema);
            activity.SetTag(MigrationVersionTag, version);
            activity.SetTag(MigrationNameTag, name);
            activity.SetTag(MigrationDirectionTag, direction);
        }

        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> as failed with <paramref name="exception"/>'s type.</summary>
    public static void Failed(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        activity.SetTag(ErrorTypeTag, exception.GetType().FullName);
    }

    /// <summary>An exception filter that marks <paramref name="activity"/> failed and returns false (the exception propagates).</summary>
    public static bool FailedAndRethrow(Activity? activity, Exception exception)
    {
        Failed(activity, exception);
        return false;
    }

    private static StatementInfo InfoFor(string entity, string sql)
    {
        if (Statements.TryGetValue(sql, out var info))
        {
            return info;
        }

        info = StatementInfo.Parse(entity, sql);
        Statements.AddOrUpdate(sql, info);
        return info;
    }

    /// <summary>What a span needs to know about one SQL text, parsed once.</summary>
    private sealed class StatementInfo
    {
        private StatementInfo(string entity, string operation, string? table)
        {
            Entity = entity;
            Operation = operation;
            Table = table;
            SpanName = entity + " " + operation;
        }

        public string Entity { get; }

        public string Operation { get; }

        public string? Table { get; }

        public string SpanName { get; }

        public static StatementInfo Parse(string entity, string sql)
        {
            var operation = NextWord(sql.AsSpan(), out var rest);
            var op = operation.IsEmpty ? "SQL" : string.Intern(operation.ToString().ToUpperInvariant());
            var table = op switch
            {
                "INSERT" => TableAfter(rest, "INTO"),
                "DELETE" or "SELECT" => TableAfter(rest, "FROM"),
                "UPDATE" or "COPY" => TableOf(NextWord(rest, out _)),
                _ => null,
            };
            return new StatementInfo(entity, op, table);
        }

        private static ReadOnlySpan<char> NextWord(ReadOnlySpan<char> text, out ReadOnlySpan<char> rest)
        {
            text = text.TrimStart();
            var end = 0;
            while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '(')
            {
                end++;
            }

            rest = text[end..];
            return text[..end];
        }

        // The first KEYWORD outside parentheses (so "count(*)" or "EXTRACT(x FROM y)" do not count); null when none.
        private static string? TableAfter(ReadOnlySpan<char> text, string keyword)
        {
            var depth = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '(')
                {
                    depth++;
                }
                else if (c == ')')
                {
                    depth--;
                }
                else if (depth == 0
                    && char.IsWhiteSpace(c)
                    && text[(i + 1)..].StartsWith(keyword, StringComparison.OrdinalIgnoreCase)
                    && i + 1 + keyword.Length < text.Length
                    && char.IsWhiteSpace(text[i + 1 + keyword.Length]))
                {
                    return TableOf(NextWord(text[(i + 1 + keyword.Length)..], out _));
                }
            }

            return null;
        }

        private static string? TableOf(ReadOnlySpan<char> word) =>
            word.IsEmpty || word.ContainsAny("$;") ? null : string.Intern(word.ToString().Replace("\"", string.Empty, StringComparison.Ordinal));
    }
}
