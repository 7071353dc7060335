namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>The state of a schema compared with the package's migrations.</summary>
/// <param name="Schema">The schema.</param>
/// <param name="Applied">The versions applied and known to the package, ascending.</param>
/// <param name="Pending">The package's versions not applied yet, ascending.</param>
/// <param name="Drift">Applied versions whose script has changed since.</param>
/// <param name="Unknown">Applied versions this package does not know (the database is ahead of the package).</param>
public sealed record SchemaStatus(
    string Schema,
    IReadOnlyList<AppliedMigration> Applied,
    IReadOnlyList<SchemaMigration> Pending,
    IReadOnlyList<SchemaDrift> Drift,
    IReadOnlyList<AppliedMigration> Unknown)
{
    /// <summary>The highest applied version (known or not), 0 when none.</summary>
    public int CurrentVersion =>
        Math.Max(Applied.Count == 0 ? 0 : Applied.Max(a => a.Version), Unknown.Count == 0 ? 0 : Unknown.Max(a => a.Version));

    /// <summary>True when nothing is pending and nothing has drifted.</summary>
    public bool IsUpToDate => Pending.Count == 0 && Drift.Count == 0;
}
