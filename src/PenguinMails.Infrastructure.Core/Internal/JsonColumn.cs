using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>
/// Reads a JSON or JSONB column into a typed value. Anything that cannot be read (malformed JSON, the JSON
/// <c>null</c> literal, a missing required member, an unknown member, a wrong type) becomes an
/// <see cref="UnknownDatabaseValueException"/> naming table, column and the start of the value.
/// </summary>
internal static class JsonColumn
{
    /// <summary>How many characters of an unreadable value the exception quotes.</summary>
    public const int SnippetLength = 100;

    public static T Read<T>(string table, string column, string? json, JsonTypeInfo<T> typeInfo, Action<T>? check = null)
        where T : class
    {
        if (json is null)
        {
            throw new UnknownDatabaseValueException(table, column, null);
        }

        try
        {
            var value = JsonSerializer.Deserialize(json, typeInfo)
                ?? throw new JsonException("The JSON value is null; expected an object.");
            check?.Invoke(value);
            return value;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException)
        {
            throw new UnknownDatabaseValueException(table, column, Snippet(json), innerException: ex);
        }
    }

    /// <summary>The first <see cref="SnippetLength"/> characters of <paramref name="value"/>, marked when cut.</summary>
    public static string Snippet(string value) =>
        value.Length <= SnippetLength
            ? value
            : string.Concat(value.AsSpan(0, char.IsHighSurrogate(value[SnippetLength - 1]) ? SnippetLength - 1 : SnippetLength), "…");
}
