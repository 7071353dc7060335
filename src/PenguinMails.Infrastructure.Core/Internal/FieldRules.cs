using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>
/// Collects <see cref="FieldError"/>s for one entity. Each rule names the database column and a stable rule id; no
/// message contains the value checked (a value may be sensitive).
/// </summary>
internal sealed partial class FieldRules
{
    private List<FieldError>? _errors;

    public IReadOnlyList<FieldError> Errors => _errors ?? (IReadOnlyList<FieldError>)[];

    public FieldRules Add(string field, string rule, string message)
    {
        (_errors ??= []).Add(new FieldError(field, rule, message));
        return this;
    }

    /// <summary>
    /// Text for a VARCHAR(<paramref name="maxLength"/>) or TEXT (<paramref name="maxLength"/> null) column: no NUL
    /// character (PostgreSQL rejects it), no unpaired surrogate, at most <paramref name="maxLength"/> characters counted
    /// as PostgreSQL counts them (Unicode code points).
    /// </summary>
    public FieldRules Text(string field, string? value, int? maxLength, bool required = false, bool singleLine = false)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "required", $"{field} is required.");
            }

            return this;
        }

        if (required && string.IsNullOrWhiteSpace(value))
        {
            Add(field, "required", $"{field} must not be empty or white space.");
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            Add(field, "no_nul", $"{field} must not contain a NUL (U+0000) character.");
        }

        if (singleLine && value.Any(c => c != '\0' && char.IsControl(c)))
        {
            Add(field, "no_control", $"{field} must not contain control characters.");
        }

        if (HasUnpairedSurrogate(value))
        {
            Add(field, "utf16", $"{field} contains an unpaired UTF-16 surrogate.");
        }
        else if (maxLength is int max && value.Length > max && CountCodePoints(value) > max)
        {
            Add(field, "max_length", $"{field} must be at most {max} characters.");
        }

        return this;
    }

    /// <summary>A DECIMAL(<paramref name="precision"/>, <paramref name="scale"/>) value, optionally non-negative.</summary>
    public FieldRules Decimal(string field, decimal? value, int precision, int scale, bool nonNegative)
    {
        if (value is not decimal v)
        {
            return this;
        }

        if (decimal.Round(v, scale) != v)
        {
            Add(field, "scale", $"{field} must have at most {scale} decimal places (DECIMAL({precision},{scale})).");
        }

        var integerDigits = precision - scale;
        if (Math.Abs(decimal.Truncate(v)) >= Pow10(integerDigits))
        {
            Add(
                field,
                "precision",
                $"{field} must be less than {Pow10(integerDigits).ToString(CultureInfo.InvariantCulture)} in absolute value (DECIMAL({precision},{scale}))."
            );
        }

        if (nonNegative && v < 0)
        {
            Add(field, "non_negative", $"{field} must not be negative.");
        }

        return this;
    }

    public FieldRules Range(string field, int? value, int min, int max)
    {
        if (value is int v && (v < min || v > max))
        {
            Add(field, "range", $"{field} must be between {min} and {max}.");
        }

        return this;
    }

    public FieldRules Positive(string field, int? value) => value is int v && v <= 0
        ? Add(field, "positive", $"{field} must be greater than 0.")
        : this;

    public FieldRules NonNegative(string field, int? value) => value is int v && v < 0
        ? Add(field, "non_negative", $"{field} must not be negative.")
        : this;

    /// <summary>A <c>TIMESTAMP WITH TIME ZONE</c> value: in UTC (offset zero) and not the default value.</summary>
    public FieldRules Utc(string field, DateTimeOffset? value)
    {
        if (value is not DateTimeOffset v)
        {
            return this;
        }

        if (v == default || v == DateTimeOffset.MinValue || v == DateTimeOffset.MaxValue)
        {
            Add(field, "timestamp", $"{field} must be a real point in time, not the default or a sentinel value.");
        }
        else if (v.Offset != TimeSpan.Zero)
        {
            Add(field, "utc", $"{field} must be in UTC (offset +00:00); convert it with ToUniversalTime().");
        }

        return this;
    }

    public FieldRules NotEmpty(string field, Guid value) =>
        value == Guid.Empty ? Add(field, "not_empty", $"{field} must not be the empty UUID.") : this;

    public FieldRules NotEmpty(string field, Guid? value) => value is Guid g ? NotEmpty(field, g) : this;

    public FieldRules Defined<TEnum>(string field, TEnum value, DbEnumMap<TEnum> map)
        where TEnum : struct, Enum =>
        map.IsDefined(value)
            ? this
            : Add(field, "one_of", $"{field} must be one of {string.Join(", ", map.DatabaseValues.Select(v => $"'{v}'"))}.");

    public FieldRules Defined<TEnum>(string field, TEnum? value, DbEnumMap<TEnum> map)
        where TEnum : struct, Enum => value is TEnum v ? Defined(field, v, map) : this;

    /// <summary>
    /// An IPv4 or IPv6 literal in canonical form (IPv4 dotted quad without leading zeros; IPv6 as
    /// <see cref="IPAddress.ToString"/> writes it, lowercase and compressed), no zone id, at most 45 characters.
    /// Canonical form makes the same address one string, so unique keys and look-ups cannot be fooled by spelling.
    /// </summary>
    public FieldRules IpAddress(string field, string? value, bool required)
    {
        Text(field, value, 45, required, singleLine: true);
        if (string.IsNullOrEmpty(value) || value.Length > 45)
        {
            return this;
        }

        if (!IsCanonicalIpAddress(value, out var canonical))
        {
            Add(
                field,
                "ip_address",
                canonical is null
                    ? $"{field} must be an IPv4 or IPv6 address literal."
                    : $"{field} must be written in canonical form ('{canonical}')."
            );
        }

        return this;
    }

    internal static bool IsCanonicalIpAddress(string value, out string? canonical)
    {
        canonical = null;
        if (value.Contains('%', StringComparison.Ordinal) || value.Contains('[', StringComparison.Ordinal))
        {
            return false;
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            if (!System.Net.IPAddress.TryParse(value, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            canonical = v6.ToString();
            return string.Equals(canonical, value, StringComparison.Ordinal);
        }

        if (!Ipv4Regex().IsMatch(value))
        {
            return false;
        }

        canonical = value;
        return true;
    }

    /// <summary>An absolute http or https URL of at most <paramref name="maxLength"/> characters.</summary>
    public FieldRules HttpUrl(string field, string? value, int maxLength)
    {
        Text(field, value, maxLength, singleLine: true);
        if (
            value is not null
            && (
                !Uri.TryCreate(value, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || string.IsNullOrEmpty(uri.Host)
                || value.Any(char.IsWhiteSpace)
            )
        )
        {
            Add(field, "url", $"{field} must be an absolute http or https URL.");
        }

        return this;
    }

    /// <summary>A colour <c>#RRGGBB</c>.</summary>
    public FieldRules HexColor(string field, string? value) =>
        value is not null && !HexColorRegex().IsMatch(value)
            ? Add(field, "hex_color", $"{field} must be a colour written #RRGGBB.")
            : this;

    /// <summary>A time zone id that the IANA time zone database knows (for example <c>Europe/Paris</c> or <c>UTC</c>).</summary>
    public FieldRules IanaTimeZone(string field, string? value, int maxLength)
    {
        Text(field, value, maxLength, singleLine: true);
        if (value is not null && !IsIanaTimeZone(value))
        {
            Add(field, "time_zone", $"{field} must be a time zone id of the IANA time zone database, for example 'Europe/Paris'.");
        }

        return this;
    }

    internal static bool IsIanaTimeZone(string value) =>
        value.Length > 0
        && !value.Any(char.IsWhiteSpace)
        && TimeZoneInfo.TryFindSystemTimeZoneById(value, out var tz)
        && tz.HasIanaId;

    /// <summary>A BCP 47 language tag of the form language[-Script][-REGION], for example <c>en</c>, <c>pt-BR</c>, <c>zh-Hant-TW</c>.</summary>
    public FieldRules LanguageTag(string field, string? value, int maxLength)
    {
        Text(field, value, maxLength, singleLine: true);
        return value is not null && !LanguageTagRegex().IsMatch(value)
            ? Add(field, "language_tag", $"{field} must be a BCP 47 language tag such as 'en' or 'pt-BR'.")
            : this;
    }

    /// <summary>A string matching <paramref name="regex"/>, described by <paramref name="description"/>.</summary>
    public FieldRules Pattern(string field, string? value, Regex regex, string rule, string description) =>
        value is not null && !regex.IsMatch(value) ? Add(field, rule, $"{field} must be {description}.") : this;

    /// <summary>An e-mail address of the simple form local@domain.tld, without white space.</summary>
    public FieldRules Email(string field, string? value, int maxLength)
    {
        Text(field, value, maxLength, singleLine: true);
        return value is not null && !EmailRegex().IsMatch(value)
            ? Add(field, "email", $"{field} must be an e-mail address (local@domain).")
            : this;
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10m;
        }

        return result;
    }

    private static bool HasUnpairedSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static int CountCodePoints(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    [GeneratedRegex(@"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Regex();

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$", RegexOptions.CultureInvariant)]
    private static partial Regex HexColorRegex();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTagRegex();

    [GeneratedRegex(@"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailRegex();
}
