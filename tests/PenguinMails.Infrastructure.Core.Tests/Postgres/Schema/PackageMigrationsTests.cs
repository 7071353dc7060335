using System.Reflection;
using FluentMigrator;
using FluentMigrator.Expressions;
using FluentMigrator.Infrastructure;
using FluentMigrator.Runner.VersionTableInfo;
using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.Core.Postgres.Schema.Internal;
using PenguinMails.Infrastructure.Core.Postgres.Schema.Migrations;

namespace PenguinMails.Infrastructure.Core.Tests.Postgres.Schema;

/// <summary>The FluentMigrator migration classes: one per version, each executing exactly its embedded script.</summary>
public sealed class PackageMigrationsTests
{
    [Fact]
    public void Create_OneAttributedClassPerVersion_WithTheScriptsVersionAndName()
    {
        var migrations = PackageMigrations.Create("public");

        Assert.Equal(SchemaMigrations.All.Select(m => (long)m.Version), migrations.Select(m => m.GetType().GetCustomAttribute<MigrationAttribute>()!.Version));
        Assert.Equal(SchemaMigrations.All.Select(m => m.Name), migrations.Select(m => m.GetType().GetCustomAttribute<MigrationAttribute>()!.Description));
        Assert.Equal(migrations.Count, migrations.Select(m => m.GetType()).Distinct().Count());
        Assert.All(migrations, m => Assert.Same(SchemaMigrations.All[m.Script.Version - 1], m.Script));
    }

    [Theory]
    [InlineData("public")]
    [InlineData("pm_infra")]
    public void UpAndDown_ExecuteExactlyTheRenderedScript(string schema)
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        foreach (var migration in PackageMigrations.Create(schema))
        {
            var up = new MigrationContext(null!, services, null);
            var down = new MigrationContext(null!, services, null);

            migration.GetUpExpressions(up);
            migration.GetDownExpressions(down);

            Assert.Equal(migration.Script.RenderUp(schema), Assert.IsType<ExecuteSqlStatementExpression>(Assert.Single(up.Expressions)).SqlStatement);
            Assert.Equal(migration.Script.RenderDown(schema), Assert.IsType<ExecuteSqlStatementExpression>(Assert.Single(down.Expressions)).SqlStatement);
        }
    }

    [Fact]
    public void ExportedTypes_NoMigrationNorVersionTableMetaData_SoAHostsAssemblyScanNeverAdoptsThem()
    {
        var exported = typeof(PostgresMigrator).Assembly.GetExportedTypes();

        Assert.DoesNotContain(exported, t => typeof(IMigration).IsAssignableFrom(t));
        Assert.DoesNotContain(exported, t => typeof(IVersionTableMetaData).IsAssignableFrom(t));
    }

    [Fact]
    public void VersionTableMetaData_IsThePackagesHistoryTable_AndNeverOwnsTheSchema()
    {
        var metadata = new PackageVersionTableMetaData("pm_x");

        Assert.Equal(("pm_x", SchemaMigrations.HistoryTableName, "version", "name", "applied_at"), (metadata.SchemaName, metadata.TableName, metadata.ColumnName, metadata.DescriptionColumnName, metadata.AppliedOnColumnName));
        Assert.False(metadata.OwnsSchema);
    }
}
