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
            case JsonValueKind.Number:
                writer.WriteRawValue(NumericText(element.GetRawText()), skipInputValidation: true);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// A JSON number as PostgreSQL's jsonb prints it (jsonb keeps numbers as <c>numeric</c>): an exponent is expanded
    /// (<c>1.5e3</c> → <c>1500</c>, <c>1e-3</c> → <c>0.001</c>, <c>1.50e1</c> → <c>15.0</c>) and a negative zero loses its sign;
    /// other numbers keep their text (<c>1.50</c> stays <c>1.50</c>).
    /// </summary>
    internal static string NumericText(string raw)
    {
        // Exact, by moving the decimal point in the digit string (a decimal would underflow at 1e-16383).
        var negative = raw.StartsWith('-');
        var body = negative ? raw[1..] : raw;
        var e = body.IndexOfAny(['e', 'E']);
        var mantissa = e < 0 ? body : body[..e];
        var exponent = e < 0 ? 0 : int.Parse(body[(e + 1)..], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = point < 0 ? mantissa : mantissa[..point];
        var fractionDigits = point < 0 ? "" : mantissa[(point + 1)..];
        var digits = integerDigits + fractionDigits;
        var pointAt = integerDigits.Length + exponent;
        string text;
        if (pointAt <= 0)
        {
            text = "0." + new string('0', -pointAt) + digits;
        }
        else if (pointAt >= digits.Length)
        {
            text = digits + new string('0', pointAt - digits.Length);
        }
        else
        {
            text = digits[..pointAt] + "." + digits[pointAt..];
        }

        var firstKept = 0;
        while (firstKept < text.Length - 1 && text[firstKept] == '0' && text[firstKept + 1] != '.')
        {
            firstKept++;
        }

        text = text[firstKept..];

        // numeric has no negative zero: -0.00 prints 0.00 (the scale is kept).
        return negative && text.Any(c => c is >= '1' and <= '9') ? "-" + text : text;
    }
}
