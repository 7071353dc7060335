using System.Buffers.Text;
using System.Text;

namespace PenguinMails.Infrastructure.Core;

/// <summary>
/// Asks for one page of a list: at most <see cref="Limit"/> items after the position that
/// <see cref="ContinuationToken"/> marks (null for the first page). Lists are ordered by primary key, so a page is
/// stable: rows inserted between two calls appear on a later page if their key sorts after the token, never twice.
/// </summary>
/// <param name="Limit">Items per page, 1..1000.</param>
/// <param name="ContinuationToken">The <see cref="Page{T}.ContinuationToken"/> of the previous page, or null.</param>
public sealed record PageRequest(int Limit = 100, string? ContinuationToken = null)
{
    /// <summary>The largest <see cref="Limit"/> accepted.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The first page of 100 items.</summary>
    public static PageRequest First { get; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when <see cref="Limit"/> is outside 1..<see cref="MaxLimit"/>.</summary>
    public void EnsureValid()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Limit, 1, nameof(Limit));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Limit, MaxLimit, nameof(Limit));
    }
}

/// <summary>Builds pages from a list read with one item more than the page holds (limit + 1).</summary>
internal static class Paging
{
    /// <summary>
    /// The page of <paramref name="items"/>: when they are more than <paramref name="limit"/>, the extra one is dropped
    /// and the token of the last kept item (given by <paramref name="tokenOf"/>) marks where the next page starts.
    /// </summary>
    public static Page<T> ToPage<T>(List<T> items, int limit, Func<T, string> tokenOf)
    {
        if (items.Count <= limit)
        {
            return new Page<T>(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, tokenOf(items[^1]));
    }
}

/// <summary>Encodes and decodes continuation tokens (opaque to callers: base64url of the last key).</summary>
internal static class ContinuationToken
{
    public static string Encode(Guid lastKey)
    {
        Span<byte> bytes = stackalloc byte[16];
        lastKey.TryWriteBytes(bytes, bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    public static string Encode(int lastKey) => Base64Url.EncodeToString(BitConverter.GetBytes(lastKey));

    public static string Encode(string lastKey) => Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(lastKey));

    public static Guid? DecodeGuid(string? token)
    {
        if (token is null)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!TryDecode(token, bytes, out var written) || written != 16)
        {
            throw Invalid();
        }

        return new Guid(bytes, bigEndian: true);
    }

    public static int? DecodeInt(string? token)
    {
        if (token is null)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[4];
        return TryDecode(token, bytes, out var written) && written == 4
            ? BitConverter.ToInt32(bytes)
            : throw Invalid();
    }

    public static string? DecodeString(string? token)
    {
        if (token is null)
        {
            return null;
        }

        string key;
        try
        {
            key = StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            throw new ArgumentException("The continuation token is not one this library issued.", nameof(token), ex);
        }

        // Keys the library issues tokens for are non-empty single-line text; anything else was not issued by it
        // (and a NUL would be refused by PostgreSQL as a different error).
        return key.Length == 0 || key.Length > 1024 || key.Any(char.IsControl) ? throw Invalid() : key;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool TryDecode(string token, Span<byte> destination, out int written)
    {
        written = 0;
        if (token.Length > 64)
        {
            return false;
        }

        try
        {
            return Base64Url.TryDecodeFromChars(token, destination, out written);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static ArgumentException Invalid() =>
        new("The continuation token is not one this library issued.", "ContinuationToken");

    /// <summary>Compares UUIDs the way PostgreSQL orders the uuid type (bytes in big-endian order).</summary>
    public static int CompareUuid(Guid a, Guid b)
    {
        Span<byte> x = stackalloc byte[16];
        Span<byte> y = stackalloc byte[16];
        a.TryWriteBytes(x, bigEndian: true, out _);
        b.TryWriteBytes(y, bigEndian: true, out _);
        return x.SequenceCompareTo(y);
    }
}
