namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>What an application does with the schema at start-up (see <see cref="PostgresMigrator.RunAsync"/>).</summary>
public enum MigrationMode
{
    /// <summary>Apply every pending version (under the migration lock); fail on drift.</summary>
    Migrate,

    /// <summary>Change nothing; fail listing pending versions or drift.</summary>
    VerifyOnly,

    /// <summary>Do nothing (the schema is managed elsewhere, for example by FluentMigrator, DbUp or Flyway).</summary>
    Off,

    /// <summary>
    /// Like <see cref="VerifyOnly"/>, and also compare the live catalog with what the applied versions must have produced
    /// (<see cref="PostgresMigrator.VerifyCatalogAsync"/>); fail with <see cref="SchemaCatalogException"/> naming every
    /// difference. Needs the right to create a schema (the check builds the expected catalog in a rolled-back transaction).
    /// </summary>
    VerifyCatalog,
}
