namespace PenguinMails.Infrastructure.Core;

/// <summary>
/// Thrown when a value read from the database cannot be represented by the entity: an unknown status string,
/// malformed JSON, or NULL in a column the entity treats as required. Never silently replaced by a default.
/// </summary>
public sealed class UnknownDatabaseValueException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="table">The table read.</param>
    /// <param name="column">The column read.</param>
    /// <param name="value">The value found (NULL is reported as <c>null</c>).</param>
    /// <param name="rowKey">The key of the row, when known.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public UnknownDatabaseValueException(
        string table,
        string column,
        string? value,
        string? rowKey = null,
        Exception? innerException = null
    )
        : base(
            $"Cannot read {table}.{column}{(rowKey is null ? "" : $" of row {rowKey}")}: "
                + (value is null ? "the value is NULL but the column is required." : $"unknown value '{value}'."),
            innerException
        )
    {
        Table = table;
        Column = column;
        Value = value;
        RowKey = rowKey;
    }

    /// <summary>The table read.</summary>
    public string Table { get; }

    /// <summary>The column read.</summary>
    public string Column { get; }

    /// <summary>The value found, or <see langword="null"/> when the column held NULL.</summary>
    public string? Value { get; }

    /// <summary>The key of the row, when known.</summary>
    public string? RowKey { get; }
}
