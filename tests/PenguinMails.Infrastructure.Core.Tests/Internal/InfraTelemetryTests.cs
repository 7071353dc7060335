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
