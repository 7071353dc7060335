namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>
/// Thrown by <see cref="MigrationMode.VerifyCatalog"/> when the live catalog differs from what the applied versions must
/// have produced (a manual <c>ALTER</c>, a dropped index, ...). <see cref="Differences"/> names every difference.
/// </summary>
public sealed class SchemaCatalogException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="verification">The verification that found differences.</param>
    public SchemaCatalogException(CatalogVerification verification)
        : base(BuildMessage(verification))
    {
        Schema = verification.Schema;
        Differences = verification.Differences;
    }

    /// <summary>The schema checked.</summary>
    public string Schema { get; }

    /// <summary>Every difference found.</summary>
    public IReadOnlyList<CatalogDifference> Differences { get; }

    private static string BuildMessage(CatalogVerification verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return $"The catalog of schema '{verification.Schema}' differs from what its applied versions produce ({verification.Differences.Count} difference(s)): {string.Join("; ", verification.Differences)}.";
    }
}
