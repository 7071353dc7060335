using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace PenguinMails.Infrastructure.Core.FeatureFlags;

/// <summary>
/// The rollout bucket of a subject for a flag, 1..100: <c>MurmurHash3_x86_32(UTF-8(flagKey + ":" + subjectId), seed 0)
/// % 100 + 1</c>. This is Unleash's flexible-rollout normalisation with the flag key as group id, so every Unleash SDK
/// (and the SQL function <c>penguinmails_rollout_bucket</c>) gives the same bucket. A flag at rollout P is on for the
/// subjects whose bucket is at most P, so raising P only ever adds subjects.
/// </summary>
/// <remarks>Allocation-free: the key is hashed from a stack buffer (a pooled one past 512 bytes).</remarks>
public static class RolloutBucket
{
    private const int StackLimit = 512;
    private const int GuidLength = 36;

    /// <summary>The bucket, 1..100, of <paramref name="subjectId"/> for <paramref name="flagKey"/>.</summary>
    /// <param name="flagKey">The flag key.</param>
    /// <param name="subjectId">The subject's id as text (a user or tenant id as a lowercase 36-character GUID).</param>
    public static int Compute(string flagKey, string subjectId)
    {
        ArgumentNullException.ThrowIfNull(flagKey);
        ArgumentNullException.ThrowIfNull(subjectId);
        return Compute(flagKey.AsSpan(), subjectId.AsSpan());
    }

    /// <summary>The bucket, 1..100, of a subject whose id is a GUID (formatted lowercase, 36 characters, with hyphens).</summary>
    /// <param name="flagKey">The flag key.</param>
    /// <param name="subjectId">The subject's id.</param>
    public static int Compute(string flagKey, Guid subjectId)
    {
        ArgumentNullException.ThrowIfNull(flagKey);
        Span<char> id = stackalloc char[GuidLength];
        subjectId.TryFormat(id, out _, "D");
        return Compute(flagKey.AsSpan(), id);
    }

    /// <summary>
    /// The bucket of a GUID subject from a flag key's precomputed hash prefix: the same bytes and the same hash as
    /// <see cref="Compute(string, Guid)"/>, without re-encoding the key. The GUID is formatted straight to UTF-8.
    /// </summary>
    internal static int Compute(in RolloutKey key, Guid subjectId)
    {
        // The key's 0..3 pending bytes, then the 36 UTF-8 bytes of the GUID ("D": lowercase with hyphens).
        Span<byte> buffer = stackalloc byte[RolloutKey.MaxPending + GuidLength];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, key.Pending);
        subjectId.TryFormat(buffer[key.PendingLength..], out _, "D");
        var data = buffer[..(key.PendingLength + GuidLength)];
        var blocks = data.Length & ~3;
        var h = MurmurBlocks(key.State, data[..blocks]);
        return (int)(MurmurFinish(h, data[blocks..], key.Length + GuidLength) % 100) + 1;
    }

    /// <summary>The bucket, 1..100, from character spans.</summary>
    /// <param name="flagKey">The flag key.</param>
    /// <param name="subjectId">The subject's id as text.</param>
    public static int Compute(ReadOnlySpan<char> flagKey, ReadOnlySpan<char> subjectId)
    {
        var length = Encoding.UTF8.GetByteCount(flagKey) + 1 + Encoding.UTF8.GetByteCount(subjectId);
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(flagKey, buffer);
            buffer[written++] = (byte)':';
            written += Encoding.UTF8.GetBytes(subjectId, buffer[written..]);
            return (int)(MurmurHash3X86Hash32(buffer[..written], 0) % 100) + 1;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Whether a flag with <paramref name="isEnabled"/> and <paramref name="rolloutPercentage"/> is on for a subject in
    /// <paramref name="bucket"/>: enabled, rollout above 0, and bucket at most the rollout.
    /// </summary>
    /// <param name="isEnabled">The flag's <c>is_enabled</c>.</param>
    /// <param name="rolloutPercentage">The flag's <c>rollout_percentage</c>, 0..100.</param>
    /// <param name="bucket">The subject's bucket, 1..100.</param>
    public static bool IsOn(bool isEnabled, int rolloutPercentage, int bucket) =>
        isEnabled && rolloutPercentage > 0 && bucket <= rolloutPercentage;

    /// <summary>MurmurHash3, x86 32-bit variant (Austin Appleby), over <paramref name="data"/>.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="seed">The seed.</param>
    public static uint MurmurHash3X86Hash32(ReadOnlySpan<byte> data, uint seed)
    {
        var blocks = data.Length & ~3;
        return MurmurFinish(MurmurBlocks(seed, data[..blocks]), data[blocks..], data.Length);
    }

    /// <summary>The MurmurHash3 x86_32 body: mixes whole 4-byte little-endian blocks into <paramref name="h"/>.</summary>
    internal static uint MurmurBlocks(uint h, ReadOnlySpan<byte> blocks)
    {
        for (var i = 0; i + 4 <= blocks.Length; i += 4)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(blocks[i..]);
            k *= C1;
            k = BitOperations.RotateLeft(k, 15);
            k *= C2;
            h ^= k;
            h = BitOperations.RotateLeft(h, 13);
            h = (h * 5) + 0xe6546b64;
        }

        return h;
    }

    /// <summary>The MurmurHash3 x86_32 tail (0..3 bytes) and finalisation over <paramref name="totalLength"/> bytes.</summary>
    internal static uint MurmurFinish(uint h, ReadOnlySpan<byte> tail, int totalLength)
    {
        uint t = 0;
        switch (tail.Length)
        {
            case 3:
                t ^= (uint)tail[2] << 16;
                goto case 2;
            case 2:
                t ^= (uint)tail[1] << 8;
                goto case 1;
            case 1:
                t ^= tail[0];
                t *= C1;
                t = BitOperations.RotateLeft(t, 15);
                t *= C2;
                h ^= t;
                break;
        }

        h ^= (uint)totalLength;
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }

    private const uint C1 = 0xcc9e2d51;
    private const uint C2 = 0x1b873593;
}

/// <summary>
/// A flag key's part of the rollout hash, computed once per snapshot: MurmurHash3's state after the whole 4-byte
/// blocks of <c>UTF-8(flagKey + ":")</c>, and the 0..3 bytes left over (little-endian in <see cref="Pending"/>).
/// </summary>
internal readonly struct RolloutKey
{
    /// <summary>The most bytes a prefix leaves pending.</summary>
    public const int MaxPending = 3;

    private RolloutKey(uint state, uint pending, int pendingLength, int length)
    {
        State = state;
        Pending = pending;
        PendingLength = pendingLength;
        Length = length;
    }

    /// <summary>The hash state after the prefix's whole blocks (seed 0).</summary>
    public uint State { get; }

    /// <summary>The prefix's trailing bytes (fewer than 4), little-endian.</summary>
    public uint Pending { get; }

    /// <summary>How many bytes <see cref="Pending"/> holds.</summary>
    public int PendingLength { get; }

    /// <summary>The prefix's length in bytes.</summary>
    public int Length { get; }

    /// <summary>The prefix state of <paramref name="flagKey"/>.</summary>
    public static RolloutKey Create(string flagKey)
    {
        var bytes = Encoding.UTF8.GetBytes(flagKey + ":");
        var blocks = bytes.Length & ~3;
        var state = RolloutBucket.MurmurBlocks(0, bytes.AsSpan(0, blocks));
        uint pending = 0;
        for (var i = bytes.Length - 1; i >= blocks; i--)
        {
            pending = (pending << 8) | bytes[i];
        }

        return new RolloutKey(state, pending, bytes.Length - blocks, bytes.Length);
    }
}
