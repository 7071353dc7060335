namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>Options of <see cref="PostgresMigrator"/>.</summary>
public sealed class MigratorOptions
{
    /// <summary>
    /// The schema that holds the package's tables, its history table and the host tables; must match
    /// <c>^[a-z_][a-z0-9_]{0,62}$</c> and not be a reserved SQL keyword. Default <c>public</c>.
    /// </summary>
    public string Schema { get; set; } = SchemaMigrations.DefaultSchema;

    /// <summary>
    /// When true, minimal stand-ins of the host tables (<c>users</c>, <c>tenants</c>, <c>domains</c>) are created when
    /// missing, before migrating (for samples, development and tests). Default false: missing host tables are an error.
    /// </summary>
    public bool CreateHostTables { get; set; }

    /// <summary>
    /// How long to wait for the migration lock (and for any lock a script needs) before failing with
    /// <see cref="MigrationFailure.LockTimeout"/>. Default one minute; <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    public TimeSpan MigrationLockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Recorded as <c>applied_by</c> in the history table; default (null) the database user.</summary>
    public string? AppliedBy { get; set; }

    /// <summary>The clock for <c>applied_at</c> and the durations. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
