namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

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
