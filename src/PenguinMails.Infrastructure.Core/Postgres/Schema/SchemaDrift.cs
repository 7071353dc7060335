namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>An applied version whose script has changed since.</summary>
/// <param name="Version">The version.</param>
/// <param name="Name">The name of the version.</param>
/// <param name="AppliedChecksum">The checksum recorded in the history table.</param>
/// <param name="ExpectedChecksum">The checksum of the package's script.</param>
public sealed record SchemaDrift(int Version, string Name, string AppliedChecksum, string ExpectedChecksum);
