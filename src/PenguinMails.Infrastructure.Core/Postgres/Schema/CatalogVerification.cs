namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>The result of comparing the live catalog of a schema with what its applied versions must have produced.</summary>
/// <param name="Schema">The schema checked.</param>
/// <param name="Versions">The applied versions whose scripts built the expected catalog, ascending.</param>
/// <param name="ObjectsCompared">How many objects (tables, columns, constraints, indexes, triggers, functions) the expected catalog has.</param>
/// <param name="Differences">Every difference, sorted by object type and name; empty when the catalog is as expected.</param>
public sealed record CatalogVerification(string Schema, IReadOnlyList<int> Versions, int ObjectsCompared, IReadOnlyList<CatalogDifference> Differences)
{
    /// <summary>True when the live catalog is exactly what the applied versions produce.</summary>
    public bool IsClean => Differences.Count == 0;
}
