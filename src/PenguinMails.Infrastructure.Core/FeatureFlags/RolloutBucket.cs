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
        Span<char> id = stackalloc char[36];
        subjectId.TryFormat(id, out _, "D");
        return Compute(flagKey.AsSpan(), id);
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
        const uint c1 = 0xcc9e2d51;
        const uint c2 = 0x1b873593;
        var h = seed;
        var blocks = data.Length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
            k *= c1;
            k = BitOperations.RotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = BitOperations.RotateLeft(h, 13);
            h = (h * 5) + 0xe6546b64;
        }

        var tail = data[(blocks * 4)..];
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
                t *= c1;
                t = BitOperations.RotateLeft(t, 15);
                t *= c2;
                h ^= t;
                break;
        }

        h ^= (uint)data.Length;
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}
