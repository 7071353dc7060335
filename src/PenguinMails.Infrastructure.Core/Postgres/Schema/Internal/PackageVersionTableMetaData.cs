using FluentMigrator.Runner.VersionTableInfo;

namespace PenguinMails.Infrastructure.Core.Postgres.Schema.Internal;

/// <summary>
/// Points FluentMigrator at the package's own history table, <c>penguinmails_schema_history</c> (columns <c>version</c>,
/// <c>name</c>, <c>applied_at</c>, plus the package's <c>checksum</c>, <c>applied_by</c>, <c>duration_ms</c>), so that
/// databases migrated by earlier releases are adopted as they are. Internal, so that a host's assembly scan never adopts it.
/// </summary>
internal sealed class PackageVersionTableMetaData(string schema) : IVersionTableMetaData
{
    /// <summary>False: the schema holds the host's tables too; FluentMigrator must never drop it.</summary>
    public bool OwnsSchema => false;

    public string SchemaName { get; } = schema;

    public string TableName => SchemaMigrations.HistoryTableName;

    public string ColumnName => "version";

    public string DescriptionColumnName => "name";

    public string UniqueIndexName => SchemaMigrations.HistoryTableName + "_pkey";

    public string AppliedOnColumnName => "applied_at";

    public bool CreateWithPrimaryKey => true;
}
