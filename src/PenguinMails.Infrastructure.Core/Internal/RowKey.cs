using System.Globalization;

namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>
/// A row's key for error messages, formatted only when an error needs it: reading a row formats nothing unless one of
/// its values is invalid. A GUID formats as <c>D</c> (lowercase, 36 characters), an integer in the invariant culture —
/// the same text as the typed ids' <c>ToString()</c> — and text as itself.
/// </summary>
internal readonly struct RowKey
{
    private readonly string? _text;
    private readonly Guid _uuid;
    private readonly long _number;
    private readonly Kind _kind;

    /// <summary>A GUID key.</summary>
    public RowKey(Guid id)
    {
        _uuid = id;
        _kind = Kind.Uuid;
    }

    /// <summary>An integer key.</summary>
    public RowKey(long id)
    {
        _number = id;
        _kind = Kind.Number;
    }

    private RowKey(string? text)
    {
        _text = text;
        _kind = Kind.Text;
    }

    private enum Kind : byte
    {
        Text,
        Uuid,
        Number,
    }

    /// <summary>A key that is already text (or none).</summary>
    public static implicit operator RowKey(string? text) => new(text);

    /// <summary>The key as text; null for a text key that was null.</summary>
    public override string? ToString() => _kind switch
    {
        Kind.Uuid => _uuid.ToString("D"),
        Kind.Number => _number.ToString(CultureInfo.InvariantCulture),
        _ => _text,
    };
}
