using System.Text.Json;
using Npgsql;

namespace PenguinMails.Infrastructure.Core.Postgres.Internal;

/// <summary>Reads by ordinal for columns the configuration entities treat as required (NULL is an error naming table, column and row).</summary>
internal static class RequiredColumnReads
{
    public static bool RequiredBool(this NpgsqlDataReader r, int i, string table, RowKey rowKey) =>
        r.IsDBNull(i) ? throw new UnknownDatabaseValueException(table, r.GetName(i), null, rowKey.ToString()) : r.GetBoolean(i);

    public static int RequiredInt(this NpgsqlDataReader r, int i, string table, RowKey rowKey) =>
        r.IsDBNull(i) ? throw new UnknownDatabaseValueException(table, r.GetName(i), null, rowKey.ToString()) : r.GetInt32(i);

    public static string RequiredText(this NpgsqlDataReader r, int i, string table, RowKey rowKey) =>
        r.IsDBNull(i) ? throw new UnknownDatabaseValueException(table, r.GetName(i), null, rowKey.ToString()) : r.GetString(i);

    public static Guid RequiredUuid(this NpgsqlDataReader r, int i, string table, RowKey rowKey) =>
        r.IsDBNull(i) ? throw new UnknownDatabaseValueException(table, r.GetName(i), null, rowKey.ToString()) : r.GetGuid(i);

    /// <summary>A JSONB column as an owned <see cref="JsonElement"/>; SQL NULL is null.</summary>
    public static JsonElement? JsonOrNull(this NpgsqlDataReader r, int i)
    {
        if (r.IsDBNull(i))
        {
            return null;
        }

        using var document = JsonDocument.Parse(r.GetString(i));
        return document.RootElement.Clone();
    }

    /// <summary>The error for a changed column that an update cannot change.</summary>
    public static EntityValidationException Immutable(string entity, string field) =>
        new(entity, [new FieldError(field, "immutable", $"{field} cannot be changed by an update; delete the row and add a new one.")]);
}
