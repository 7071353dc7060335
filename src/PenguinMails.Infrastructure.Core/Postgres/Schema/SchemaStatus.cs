namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>A version recorded in the history table.</summary>
/// <param name="Version">The version.</param>
/// <param name="Name">The name recorded when it was applied.</param>
/// <param name="Checksum">The SHA-256 (lowercase hex) of the up script as applied.</param>
/// <param name="AppliedAt">When it was applied (UTC).</param>
/// <param name="AppliedBy">Who applied it.</param>
/// <param name="DurationMs">How long the script took, in milliseconds.</param>
public sealed record AppliedMigration(int Version, string Name, string Checksum, DateTimeOffset AppliedAt, string AppliedBy, long DurationMs);

/// <summary>An applied version whose script has changed since.</summary>
/// <param name="Version">The version.</param>
/// <param name="Name">The name of the version.</param>
/// <param name="AppliedChecksum">The checksum recorded in the history table.</param>
/// <param name="ExpectedChecksum">The checksum of the package's script.</param>
public sealed record SchemaDrift(int Version, string Name, string AppliedChecksum, string ExpectedChecksum);

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
