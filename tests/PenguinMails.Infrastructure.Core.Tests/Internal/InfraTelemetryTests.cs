using System.Diagnostics;
using PenguinMails.Infrastructure.Core.Internal;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Internal;

public sealed class InfraTelemetryTests
{
    [Fact]
    public void Names_SourceAndMeter_AreThePackageName()
    {
        Assert.Equal("PenguinMails.Infrastructure.Core", PenguinMailsInfraTelemetry.ActivitySourceName);
        Assert.Equal(PenguinMailsInfraTelemetry.ActivitySourceName, InfraTelemetry.Source.Name);
        Assert.Equal(PenguinMailsInfraTelemetry.MeterName, InfraTelemetry.Meter.Name);
    }

    [Theory]
    [InlineData("INSERT INTO public.vps_instances (id, region) VALUES ($1, $2) RETURNING id", "INSERT", "public.vps_instances")]
    [InlineData("UPDATE \"tenant-x\".vps_instances SET status = $2 WHERE id = $1", "UPDATE", "tenant-x.vps_instances")]
    [InlineData("DELETE FROM public.smtp_ip_addresses WHERE id = $1", "DELETE", "public.smtp_ip_addresses")]
    [InlineData("SELECT count(*) FROM public.feature_flags", "SELECT", "public.feature_flags")]
    [InlineData("SELECT EXTRACT(EPOCH FROM created) FROM public.users WHERE id = $1", "SELECT", "public.users")]
    [InlineData("COPY public.smtp_ip_addresses (id, ip_address) FROM STDIN (FORMAT BINARY)", "COPY", "public.smtp_ip_addresses")]
    [InlineData("  select id\nfrom public.permissions", "SELECT", "public.permissions")]
    [InlineData("WITH x AS (SELECT 1) SELECT * FROM x", "WITH", null)]
    [InlineData("SELECT 1", "SELECT", null)]
    public void StartStatement_Listening_NamesTheSpanAndTagsOperationAndTable(string sql, string operation, string? table)
    {
        using var capture = new TelemetryCapture();

        using (var activity = InfraTelemetry.StartStatement("VpsInstance", sql))
        {
            Assert.NotNull(activity);
            Assert.Equal(ActivityKind.Client, activity.Kind);
        }

        var span = Assert.Single(capture.Spans);
        Assert.Equal("VpsInstance " + operation, span.DisplayName);
        Assert.Equal("postgresql", span.GetTagItem("db.system.name"));
        Assert.Equal(operation, span.GetTagItem("db.operation.name"));
        Assert.Equal(table, span.GetTagItem("db.collection.name"));
    }

    [Fact]
    public void Conflict_ConcurrencyConflict_CountsItByEntityAndReturnsTheSameException()
    {
        using var capture = new TelemetryCapture();
        var conflict = new ConcurrencyConflictException("TelemetryTestEntity", "1", "it was updated since it was read");
        var other = new EntityNotFoundException("TelemetryTestEntity", "2");

        Assert.Same(conflict, InfraTelemetry.Conflict(conflict));
        Assert.Same(other, InfraTelemetry.Conflict(other));

        Assert.Equal(1, capture.Sum(PenguinMailsInfraTelemetry.ConcurrencyConflictsCounter, ("entity", "TelemetryTestEntity")));
    }
}

public sealed class ObservabilityDocTests
{
    private static string Doc() => File.ReadAllText(Path.Combine(RepositoryLayout.Root, "docs", "observability.md")).ReplaceLineEndings("\n");

    [Fact]
    public void Doc_EveryCounter_IsNamedWithItsTags()
    {
        var doc = Doc();
        var counters = typeof(InfraTelemetry)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => f.GetValue(null))
            .OfType<System.Diagnostics.Metrics.Instrument>()
            .Select(i => i.Name)
            .ToArray();

        Assert.Equal(4, counters.Length);
        Assert.All(counters, name => Assert.Contains("`" + name + "`", doc, StringComparison.Ordinal));
        Assert.Contains("`" + PenguinMailsInfraTelemetry.ActivitySourceName + "`", doc, StringComparison.Ordinal);
        Assert.All(["`outcome`", "`entity`", "`from`", "`to`", "`db.system.name`", "`db.operation.name`", "`db.collection.name`", "`error.type`"],
            tag => Assert.Contains(tag, doc, StringComparison.Ordinal));
    }

    [Fact]
    public void Doc_EveryLoggerMessageEventId_FallsInADocumentedRange()
    {
        var ranges = System.Text.RegularExpressions.Regex.Matches(Doc(), @"^\| (\d{4})–(\d{4}) \|", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => (From: int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), To: int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToArray();
        var ids = typeof(InfraTelemetry).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttributes(typeof(Microsoft.Extensions.Logging.LoggerMessageAttribute), false).Cast<Microsoft.Extensions.Logging.LoggerMessageAttribute>().SingleOrDefault())
            .Where(a => a is not null)
            .Select(a => a!.EventId)
            .ToArray();

        Assert.NotEmpty(ranges);
        Assert.True(ids.Length >= 20, $"found only {ids.Length} [LoggerMessage] methods");
        Assert.All(ids, id => Assert.Contains(ranges, r => r.From <= id && id <= r.To));
        Assert.All(ranges, r => Assert.Contains(r.From, ids));
        Assert.All(ranges, r => Assert.Contains(r.To, ids));
    }
}
