using System.Text.Json;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// What PostgreSQL's jsonb does to a value on the way in, applied by the in-memory store: the value is stored as parsed
/// JSON, so whitespace goes, and of duplicate object keys the last one wins. Key order is not kept either; values are
/// compared by content (<see cref="JsonElement.DeepEquals"/>), so the in-memory store keeps the written order.
/// </summary>
internal static class JsonbSemantics
{
    public static JsonElement? Normalize(JsonElement? value)
    {
        if (value is not { } element)
        {
            return null;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, element);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var last = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                var order = new List<string>();
                foreach (var property in element.EnumerateObject())
                {
                    if (!last.ContainsKey(property.Name))
                    {
                        order.Add(property.Name);
                    }

                    last[property.Name] = property.Value;
                }

                writer.WriteStartObject();
                foreach (var name in order)
                {
                    writer.WritePropertyName(name);
                    Write(writer, last[name]);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
