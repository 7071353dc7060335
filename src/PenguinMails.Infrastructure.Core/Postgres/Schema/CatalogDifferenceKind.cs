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
