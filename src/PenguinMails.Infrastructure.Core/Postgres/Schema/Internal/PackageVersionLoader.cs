using System.Globalization;
using FluentMigrator;
using FluentMigrator.Model;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Conventions;
using FluentMigrator.Runner.Generators;
using FluentMigrator.Runner.Processors;
using FluentMigrator.Runner.VersionTableInfo;

namespace PenguinMails.Infrastructure.Core.Postgres.Schema.Internal;

/// <summary>
/// FluentMigrator's version loader, writing the package's full history row: besides version, name and applied_at, the
/// checksum of the up script (the basis of drift detection), applied_by and duration_ms. The row is inserted in the
/// version's own transaction, after its script, as FluentMigrator does.
/// </summary>
internal sealed class PackageVersionLoader(
    IProcessorAccessor processorAccessor,
    IGeneratorAccessor generatorAccessor,
    IConventionSet conventionSet,
    IMigrationRunnerConventions conventions,
    IVersionTableMetaData versionTableMetaData,
    IMigrationRunner runner,
    VersionRecorder recorder)
    : VersionLoader(processorAccessor, generatorAccessor, conventionSet, conventions, versionTableMetaData, runner)
{
    protected override InsertionDataDefinition CreateVersionInfoInsertionData(long version, string description)
    {
        var migration = SchemaMigrations.All.FirstOrDefault(m => m.Version == version)
            ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The package has no version {version}."));
        var appliedAt = recorder.TimeProvider.GetUtcNow().ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        return
        [
            new("version", migration.Version),
            new("name", migration.Name),
            new("checksum", migration.Checksum),
            // Literals the package formats itself (an ISO 8601 timestamp; a keyword); the name and applied_by are quoted by FluentMigrator.
            new("applied_at", RawSql.Insert("'" + appliedAt + "'::timestamptz")),
            new("applied_by", recorder.AppliedBy is { } by ? by : RawSql.Insert("current_user")),
            new("duration_ms", recorder.ElapsedMilliseconds),
        ];
    }
}
