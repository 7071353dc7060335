using System.Diagnostics;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

public sealed class MigratorTelemetryTests
{
    [PostgresFact]
    public async Task MigrateAndRollback_EachVersion_StartsOneSpanTaggedWithVersionAndDirection()
    {
        await using var db = await Db.FreshAsync("telemetry");
        var migrator = Db.Migrator(db);
        using var capture = new TelemetryCapture();

        await migrator.MigrateAsync();
        await migrator.RollbackAsync(0);

        var versions = Enumerable.Range(1, SchemaMigrations.LatestVersion).ToArray();
        var up = capture.Spans.Where(s => s.DisplayName == "migrate up").ToArray();
        var down = capture.Spans.Where(s => s.DisplayName == "migrate down").ToArray();
        Assert.Equal(versions, up.Select(s => (int)s.GetTagItem("penguinmails.migration.version")!));
        Assert.Equal(versions.Reverse(), down.Select(s => (int)s.GetTagItem("penguinmails.migration.version")!));
        Assert.All(up.Concat(down), s =>
        {
            Assert.Equal(ActivityStatusCode.Unset, s.Status);
            Assert.Equal("postgresql", s.GetTagItem("db.system.name"));
            Assert.Equal("public", s.GetTagItem("db.namespace"));
            Assert.Equal(SchemaMigrations.All[(int)s.GetTagItem("penguinmails.migration.version")! - 1].Name, s.GetTagItem("penguinmails.migration.name"));
        });
        Assert.All(up, s => Assert.Equal("up", s.GetTagItem("penguinmails.migration.direction")));
        Assert.All(down, s => Assert.Equal("down", s.GetTagItem("penguinmails.migration.direction")));
    }
}
