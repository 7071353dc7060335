using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>
/// The JSONB column <c>smtp_ip_addresses.provider_blacklist_status</c>: whether the IP is listed, per mailbox
/// provider (<see cref="KnownMailboxProviders"/>) and per blacklist service (<see cref="KnownBlacklists"/>).
/// Immutable; keys are compared without regard to case (two keys differing only in case are rejected), and are kept
/// in ordinal order so that <see cref="ToJson"/> is deterministic.
/// </summary>
/// <remarks>
/// The JSON form, with snake_case member names:
/// <code>
/// {"mailbox_providers":{"gmail":{"listed":false,"checked_at":"2026-01-01T00:00:00+00:00"}},
///  "blacklists":{"spamhaus":{"listed":true,"checked_at":"2026-01-01T00:00:00+00:00","detail":"SBL12345"}}}
/// </code>
/// Both members are optional when read; unknown members are rejected, so a shape this version does not understand
/// is reported (<see cref="UnknownDatabaseValueException"/>) instead of being dropped silently on the next write.
/// </remarks>
public sealed record ProviderBlacklistStatus
{
    /// <summary>The maximum length of a provider or blacklist key, in characters.</summary>
    public const int MaxKeyLength = 100;

    private const string FieldName = "provider_blacklist_status";

    private static readonly IReadOnlyDictionary<string, BlacklistListing> EmptyMap =
        new ReadOnlyDictionary<string, BlacklistListing>(new Dictionary<string, BlacklistListing>(StringComparer.OrdinalIgnoreCase));

    /// <summary>No provider and no blacklist checked yet.</summary>
    public static ProviderBlacklistStatus Empty { get; } = new();

    /// <summary>
    /// The listing per mailbox provider (<c>gmail</c>, <c>outlook</c>, <c>yahoo</c>, ...), keys compared without regard
    /// to case. Setting it copies the dictionary; null becomes empty.
    /// </summary>
    /// <exception cref="ArgumentException">Two keys differ only in case.</exception>
    public IReadOnlyDictionary<string, BlacklistListing> MailboxProviders
    {
        get;
        init => field = Normalize(value, nameof(MailboxProviders));
    } = EmptyMap;

    /// <summary>
    /// The listing per blacklist service (<c>spamhaus</c>, <c>spamcop</c>, ...), keys compared without regard to case.
    /// Setting it copies the dictionary; null becomes empty.
    /// </summary>
    /// <exception cref="ArgumentException">Two keys differ only in case.</exception>
    public IReadOnlyDictionary<string, BlacklistListing> Blacklists
    {
        get;
        init => field = Normalize(value, nameof(Blacklists));
    } = EmptyMap;

    /// <summary>Whether Gmail, Outlook or Yahoo (<see cref="KnownMailboxProviders.Major"/>) lists the IP.</summary>
    [JsonIgnore]
    public bool IsListedAtMajorMailboxProvider =>
        KnownMailboxProviders.Major.Any(p => MailboxProviders.TryGetValue(p, out var listing) && listing is { Listed: true });

    /// <summary>Whether any mailbox provider or any blacklist service lists the IP.</summary>
    [JsonIgnore]
    public bool IsListedAnywhere =>
        MailboxProviders.Values.Any(l => l is { Listed: true }) || Blacklists.Values.Any(l => l is { Listed: true });

    /// <summary>A copy with the listing of one mailbox provider added or replaced.</summary>
    /// <param name="provider">The provider key, for example <see cref="KnownMailboxProviders.Gmail"/>.</param>
    /// <param name="listing">The listing.</param>
    public ProviderBlacklistStatus WithMailboxProvider(string provider, BlacklistListing listing) =>
        this with { MailboxProviders = With(MailboxProviders, provider, listing) };

    /// <summary>A copy with the listing of one blacklist service added or replaced.</summary>
    /// <param name="blacklist">The blacklist key, for example <see cref="KnownBlacklists.Spamhaus"/>.</param>
    /// <param name="listing">The listing.</param>
    public ProviderBlacklistStatus WithBlacklist(string blacklist, BlacklistListing listing) =>
        this with { Blacklists = With(Blacklists, blacklist, listing) };

    /// <summary>The JSON text written to the JSONB column (snake_case member names, null members left out).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SmtpIpsJsonContext.Default.ProviderBlacklistStatus);

    /// <summary>
    /// Reads the JSON text of the JSONB column. Timestamps are converted to UTC (the same instant).
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The value; never null.</returns>
    /// <exception cref="UnknownDatabaseValueException">
    /// The text is not valid JSON, is the JSON <c>null</c> literal, is not an object of the expected shape (an unknown
    /// member, a missing <c>listed</c>, a null entry, two keys differing only in case), naming table, column and the
    /// start of the value.
    /// </exception>
    public static ProviderBlacklistStatus FromJson(string json)
    {
        var value = JsonColumn.Read(
            SmtpIpAddress.TableName,
            FieldName,
            json,
            SmtpIpsJsonContext.Default.ProviderBlacklistStatus,
            static v =>
            {
                if (v.MailboxProviders.Values.Any(l => l is null) || v.Blacklists.Values.Any(l => l is null))
                {
                    throw new JsonException("A listing entry is null; expected an object with 'listed'.");
                }
            }
        );
        return value with { MailboxProviders = ToUtc(value.MailboxProviders), Blacklists = ToUtc(value.Blacklists) };
    }

    /// <inheritdoc />
    public bool Equals(ProviderBlacklistStatus? other) =>
        other is not null
        && (ReferenceEquals(this, other) || (SameEntries(MailboxProviders, other.MailboxProviders) && SameEntries(Blacklists, other.Blacklists)));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(MapHash(MailboxProviders), MapHash(Blacklists));

    /// <summary>Adds the errors of this value to <paramref name="rules"/>, all under the field <c>provider_blacklist_status</c>.</summary>
    internal void Validate(FieldRules rules)
    {
        var inner = new FieldRules();
        ValidateMap(inner, "mailbox_providers", MailboxProviders);
        ValidateMap(inner, "blacklists", Blacklists);
        rules.AddUnder(FieldName, inner);
    }

    private static void ValidateMap(FieldRules rules, string member, IReadOnlyDictionary<string, BlacklistListing> map)
    {
        foreach (var (key, listing) in map)
        {
            var before = rules.Errors.Count;
            rules.Text($"{FieldName}.{member} key", key, MaxKeyLength, required: true, singleLine: true);
            var path = rules.Errors.Count == before ? $"{FieldName}.{member}.{key}" : $"{FieldName}.{member}[invalid key]";
            if (listing is null)
            {
                rules.Add(path, "required", $"{path} must not be null.");
                continue;
            }

            rules.Utc($"{path}.checked_at", listing.CheckedAt);
            rules.Text($"{path}.detail", listing.Detail, BlacklistListing.MaxDetailLength);
        }
    }

    private static IReadOnlyDictionary<string, BlacklistListing> Normalize(IReadOnlyDictionary<string, BlacklistListing>? value, string member)
    {
        if (value is null || value.Count == 0)
        {
            return EmptyMap;
        }

        var copy = new Dictionary<string, BlacklistListing>(value.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, listing) in value.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!copy.TryAdd(key, listing))
            {
                throw new ArgumentException($"{member} has two keys that differ only in case.", member);
            }
        }

        return new ReadOnlyDictionary<string, BlacklistListing>(copy);
    }

    private static Dictionary<string, BlacklistListing> With(IReadOnlyDictionary<string, BlacklistListing> map, string key, BlacklistListing listing)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(listing);
        var copy = new Dictionary<string, BlacklistListing>(map, StringComparer.OrdinalIgnoreCase)
        {
            [key] = listing,
        };
        return copy;
    }

    private static Dictionary<string, BlacklistListing> ToUtc(IReadOnlyDictionary<string, BlacklistListing> map) =>
        map.ToDictionary(
            kv => kv.Key,
            kv => kv.Value.CheckedAt is { } at ? kv.Value with { CheckedAt = at.ToUniversalTime() } : kv.Value,
            StringComparer.OrdinalIgnoreCase
        );

    private static int MapHash(IReadOnlyDictionary<string, BlacklistListing> map)
    {
        // Order-independent, and case-insensitive on keys, like Equals.
        var hash = map.Count;
        foreach (var (key, listing) in map)
        {
            hash ^= HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key), listing);
        }

        return hash;
    }

    private static bool SameEntries(IReadOnlyDictionary<string, BlacklistListing> a, IReadOnlyDictionary<string, BlacklistListing> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && Equals(kv.Value, other));
}
