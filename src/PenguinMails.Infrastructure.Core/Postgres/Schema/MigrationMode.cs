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
}
