namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>How a live catalog object differs from what the applied versions must have produced.</summary>
public enum CatalogDifferenceKind
{
    /// <summary>The applied versions create the object; the live schema does not have it (for example a dropped index).</summary>
    Missing,

    /// <summary>The live schema has the object on a package table; no applied version creates it (for example an added column).</summary>
    Unexpected,

    /// <summary>Both have the object, with different definitions (for example a column whose type was altered).</summary>
    Changed,
}

/// <summary>One out-of-band difference between the live schema and what its applied versions must have produced.</summary>
/// <param name="Kind">Missing, unexpected or changed.</param>
/// <param name="ObjectType">
/// <c>table</c>, <c>column</c>, <c>constraint</c>, <c>index</c>, <c>trigger</c> or <c>function</c>.
/// </param>
/// <param name="Name">
/// The object's name: <c>table</c>, <c>table.column</c>, <c>table.constraint</c>, the index name, <c>table.trigger</c>, or
/// <c>function(argument types)</c>.
/// </param>
/// <param name="Expected">The definition the applied versions produce (type, default and nullability for a column; the DDL otherwise); null when unexpected.</param>
/// <param name="Actual">The live definition; null when missing.</param>
public sealed record CatalogDifference(CatalogDifferenceKind Kind, string ObjectType, string Name, string? Expected, string? Actual)
{
    /// <summary>One line: what, which, and both definitions.</summary>
    /// <returns>For example <c>changed column vps_instances.region: expected character varying(50), actual text</c>.</returns>
    public override string ToString() => (Kind, ObjectType) switch
    {
        (CatalogDifferenceKind.Changed, "function") => $"changed function {Name}: the definition differs",
        (CatalogDifferenceKind.Missing, "function") => $"missing function {Name}",
        (CatalogDifferenceKind.Missing, _) => $"missing {ObjectType} {Name} (expected {Expected})",
        (CatalogDifferenceKind.Unexpected, _) => $"unexpected {ObjectType} {Name} ({Actual})",
        _ => $"changed {ObjectType} {Name}: expected {Expected}, actual {Actual}",
    };
}

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
