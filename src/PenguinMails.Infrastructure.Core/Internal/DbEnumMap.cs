using System.Collections.Frozen;

namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>
/// An explicit, exhaustive mapping between a C# enum and the snake_case strings of a VARCHAR column with a CHECK list.
/// Construction fails when a defined enum value has no string or a string is given twice, so the table cannot drift
/// silently from the enum.
/// </summary>
internal sealed class DbEnumMap<TEnum>
    where TEnum : struct, Enum
{
    private readonly FrozenDictionary<TEnum, string> _toDb;
    private readonly FrozenDictionary<string, TEnum> _fromDb;

    public DbEnumMap(string table, string column, params (TEnum Value, string Db)[] pairs)
    {
        Table = table;
        Column = column;
        var toDb = new Dictionary<TEnum, string>();
        var fromDb = new Dictionary<string, TEnum>(StringComparer.Ordinal);
        foreach (var (value, db) in pairs)
        {
            if (!toDb.TryAdd(value, db) || !fromDb.TryAdd(db, value))
            {
                throw new InvalidOperationException($"{table}.{column}: '{value}'/'{db}' is mapped twice.");
            }
        }

        foreach (var value in Enum.GetValues<TEnum>())
        {
            if (!toDb.ContainsKey(value))
            {
                throw new InvalidOperationException($"{table}.{column}: {typeof(TEnum).Name}.{value} has no database string.");
            }
        }

        _toDb = toDb.ToFrozenDictionary();
        _fromDb = fromDb.ToFrozenDictionary(StringComparer.Ordinal);
        DatabaseValues = [.. pairs.Select(p => p.Db)];
    }

    public string Table { get; }

    public string Column { get; }

    /// <summary>The database strings in declaration order (the CHECK list).</summary>
    public IReadOnlyList<string> DatabaseValues { get; }

    public bool IsDefined(TEnum value) => _toDb.ContainsKey(value);

    public string ToDb(TEnum value) =>
        _toDb.TryGetValue(value, out var db)
            ? db
            : throw new ArgumentOutOfRangeException(
                nameof(value),
                value,
                $"{typeof(TEnum).Name} value {value} is not one of the values of {Table}.{Column}."
            );

    public bool TryFromDb(string? db, out TEnum value)
    {
        if (db is not null && _fromDb.TryGetValue(db, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Reads a database string; an unknown string or NULL is an error naming table, column and value.</summary>
    public TEnum FromDb(string? db, string? rowKey = null) =>
        TryFromDb(db, out var value) ? value : throw new UnknownDatabaseValueException(Table, Column, db, rowKey);

    /// <summary>As <see cref="FromDb(string?, string?)"/>, with the row key formatted only for the error.</summary>
    public TEnum FromDb(string? db, RowKey rowKey) =>
        TryFromDb(db, out var value) ? value : throw new UnknownDatabaseValueException(Table, Column, db, rowKey.ToString());
}
