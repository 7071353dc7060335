using System.Globalization;
using System.Reflection;
using FluentMigrator;

namespace PenguinMails.Infrastructure.Core.Postgres.Schema.Migrations;

/// <summary>
/// One version of the package's schema as a FluentMigrator migration: <see cref="Up"/> executes the version's up script
/// and <see cref="Down"/> its down script, both taken from <see cref="SchemaMigrations.All"/> (the embedded SQL, the single
/// source of truth) with the schema token replaced.
/// </summary>
/// <remarks>
/// The classes are internal on purpose: FluentMigrator scans only exported types, so a host that points its own runner
/// at this assembly never picks them up by accident (their versions 1..N would collide with the host's). The
/// package's runner lists them itself (<see cref="PackageMigrations"/>).
/// </remarks>
internal abstract class PackageMigration : Migration
{
    private readonly string _schema;

    protected PackageMigration(string schema)
    {
        SchemaMigrations.ValidateSchemaName(schema);
        _schema = schema;
        var attribute = GetType().GetCustomAttribute<MigrationAttribute>()
            ?? throw new InvalidOperationException($"{GetType().Name} has no [Migration] attribute.");
        Script = SchemaMigrations.All.FirstOrDefault(m => m.Version == attribute.Version)
            ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{GetType().Name}: the package has no script for version {attribute.Version}."));
    }

    /// <summary>The version's scripts and checksum.</summary>
    public SchemaMigration Script { get; }

    /// <inheritdoc />
    public override void Up() => Execute.Sql(Script.RenderUp(_schema));

    /// <inheritdoc />
    public override void Down() => Execute.Sql(Script.RenderDown(_schema));
}
