namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>A version recorded in the history table.</summary>
/// <param name="Version">The version.</param>
/// <param name="Name">The name recorded when it was applied.</param>
/// <param name="Checksum">The SHA-256 (lowercase hex) of the up script as applied.</param>
/// <param name="AppliedAt">When it was applied (UTC).</param>
/// <param name="AppliedBy">Who applied it.</param>
/// <param name="DurationMs">How long the script took, in milliseconds.</param>
public sealed record AppliedMigration(int Version, string Name, string Checksum, DateTimeOffset AppliedAt, string AppliedBy, long DurationMs);
