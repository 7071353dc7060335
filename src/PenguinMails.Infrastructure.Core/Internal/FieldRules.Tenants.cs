using System.Text.Json;
using System.Text.RegularExpressions;

namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>
/// Rules for the staff, configuration, feature-flag, preference and tenant tables. Every pattern is anchored with
/// <c>\z</c> (not <c>$</c>, which also matches before a final line feed).
/// </summary>
internal sealed partial class FieldRules
{
    /// <summary>A value the entity needs even though the column allows NULL (a non-nullable C# property set to null).</summary>
    public FieldRules NotNull(string field, object? value) =>
        value is null ? Add(field, "required", $"{field} is required.") : this;

    /// <summary>A <c>permissions.name</c>: lowercase dotted segments such as <c>vps.read</c> or <c>feature_flags.write</c>.</summary>
    public FieldRules PermissionName(string field, string? value, int maxLength)
    {
        Text(field, value, maxLength, required: true, singleLine: true);
        return string.IsNullOrWhiteSpace(value) ? this : Pattern(
            field,
            value,
            PermissionNameRegex(),
            "permission_name",
            "lowercase dotted segments, each starting with a letter (a-z, 0-9, '_', '-'), for example 'vps.read'"
        );
    }

    /// <summary>
    /// A lowercase ASCII key such as a <c>system_config.key</c> or a <c>feature_flags.key</c>: starts with a letter or
    /// digit, then letters, digits, '.', '_' or '-'.
    /// </summary>
    public FieldRules LowercaseKey(string field, string? value, int maxLength, string rule)
    {
        Text(field, value, maxLength, required: true, singleLine: true);
        return string.IsNullOrWhiteSpace(value) ? this : Pattern(
            field,
            value,
            LowercaseKeyRegex(),
            rule,
            "lowercase ASCII starting with a letter or digit, then letters, digits, '.', '_' or '-'"
        );
    }

    /// <summary>A lowercase token such as a theme name: starts with a letter or digit, then letters, digits, '_' or '-'.</summary>
    public FieldRules Token(string field, string? value, int maxLength, string rule)
    {
        Text(field, value, maxLength, required: true, singleLine: true);
        return string.IsNullOrWhiteSpace(value) ? this : Pattern(field, value, TokenRegex(), rule, "lowercase ASCII starting with a letter or digit, then letters, digits, '_' or '-'");
    }

    /// <summary>A snake_case token such as <c>active</c> or <c>pending_review</c>.</summary>
    public FieldRules SnakeCase(string field, string? value, int maxLength)
    {
        Text(field, value, maxLength, required: true, singleLine: true);
        return string.IsNullOrWhiteSpace(value) ? this : Pattern(field, value, SnakeCaseRegex(), "snake_case", "a snake_case token such as 'active' or 'pending_review'");
    }

    /// <summary>A Stripe customer id: <c>cus_</c> followed by letters and digits.</summary>
    public FieldRules StripeCustomerId(string field, string? value, int maxLength)
    {
        Text(field, value, maxLength, singleLine: true);
        return Pattern(field, value, StripeCustomerIdRegex(), "stripe_customer_id", "a Stripe customer id ('cus_' followed by letters and digits)");
    }

    /// <summary>An officially assigned ISO 3166-1 alpha-2 country code in upper case, for example <c>FR</c>.</summary>
    public FieldRules CountryCode(string field, string? value)
    {
        if (value is null)
        {
            return Add(field, "required", $"{field} is required.");
        }

        return Iso3166.IsAssignedAlpha2(value)
            ? this
            : Add(field, "country_code", $"{field} must be an officially assigned ISO 3166-1 alpha-2 country code in upper case, for example 'FR'.");
    }

    /// <summary>
    /// A JSONB value, checked for what PostgreSQL's jsonb input rejects, so it is reported before the write on every
    /// store: the escape <c>\u0000</c> in a string or property name, a lone UTF-16 surrogate escape, and a number
    /// outside PostgreSQL's numeric range (more than 16383 digits after the point, 131072 or more before it, or an
    /// exponent beyond ±1073741822).
    /// </summary>
    public FieldRules Jsonb(string field, JsonElement? value)
    {
        if (value is not { } v)
        {
            return this;
        }

        var problems = JsonbProblems.None;
        Walk(v, ref problems);
        if ((problems & JsonbProblems.Nul) != 0)
        {
            Add(field, "no_nul", $"{field} must not contain a NUL (U+0000) character in a string or property name (PostgreSQL jsonb rejects it).");
        }

        if ((problems & JsonbProblems.Surrogate) != 0)
        {
            Add(field, "utf16", $"{field} must not contain a lone UTF-16 surrogate escape in a string or property name (PostgreSQL jsonb rejects it).");
        }

        if ((problems & JsonbProblems.Number) != 0)
        {
            Add(field, "numeric_range", $"{field} must not contain a number outside PostgreSQL's numeric range.");
        }

        return this;
    }

    [Flags]
    private enum JsonbProblems
    {
        None = 0,
        Nul = 1,
        Surrogate = 2,
        Number = 4,
    }

    private static void Walk(JsonElement element, ref JsonbProblems problems)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                CheckText(element, null, ref problems);
                break;
            case JsonValueKind.Number:
                if (!FitsNumeric(element.GetRawText()))
                {
                    problems |= JsonbProblems.Number;
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, ref problems);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    CheckText(default, property, ref problems);
                    Walk(property.Value, ref problems);
                }

                break;
            default:
                break;
        }
    }

    private static void CheckText(JsonElement element, JsonProperty? property, ref JsonbProblems problems)
    {
        string text;
        try
        {
            text = property is { } p ? p.Name : element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json cannot unescape a lone surrogate into a string; PostgreSQL rejects it too.
            problems |= JsonbProblems.Surrogate;
            return;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            problems |= JsonbProblems.Nul;
        }
    }

    /// <summary>Whether a JSON number's text fits PostgreSQL's numeric (the checks of its input function).</summary>
    internal static bool FitsNumeric(ReadOnlySpan<char> raw)
    {
        const long MaxExponent = int.MaxValue / 2;
        const long MaxScale = 16383;
        const long MaxLeadingPosition = 131071;
        var i = raw.Length > 0 && raw[0] == '-' ? 1 : 0;
        var intStart = i;
        while (i < raw.Length && char.IsAsciiDigit(raw[i]))
        {
            i++;
        }

        var intDigits = raw[intStart..i];
        var fracDigits = ReadOnlySpan<char>.Empty;
        if (i < raw.Length && raw[i] == '.')
        {
            var fracStart = ++i;
            while (i < raw.Length && char.IsAsciiDigit(raw[i]))
            {
                i++;
            }

            fracDigits = raw[fracStart..i];
        }

        long exponent = 0;
        if (i < raw.Length && (raw[i] == 'e' || raw[i] == 'E'))
        {
            i++;
            var negative = i < raw.Length && raw[i] == '-';
            if (i < raw.Length && (raw[i] == '-' || raw[i] == '+'))
            {
                i++;
            }

            for (; i < raw.Length; i++)
            {
                exponent = (exponent * 10) + (raw[i] - '0');
                if (exponent >= MaxExponent)
                {
                    return false;
                }
            }

            exponent = negative ? -exponent : exponent;
        }

        if (fracDigits.Length - exponent > MaxScale)
        {
            return false;
        }

        var firstNonZero = intDigits.IndexOfAnyExcept('0');
        long leading;
        if (firstNonZero >= 0)
        {
            leading = intDigits.Length - 1 - firstNonZero;
        }
        else
        {
            var inFraction = fracDigits.IndexOfAnyExcept('0');
            if (inFraction < 0)
            {
                return true;
            }

            leading = -1 - inFraction;
        }

        return leading + exponent <= MaxLeadingPosition;
    }

    internal static bool IsLowercaseKey(string? value, int maxLength) =>
        value is not null && value.Length <= maxLength && LowercaseKeyRegex().IsMatch(value);

    internal static bool IsPermissionName(string? value, int maxLength) =>
        value is not null && value.Length <= maxLength && PermissionNameRegex().IsMatch(value);

    [GeneratedRegex(@"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PermissionNameRegex();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex LowercaseKeyRegex();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex TokenRegex();

    [GeneratedRegex(@"^[a-z][a-z0-9]*(_[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SnakeCaseRegex();

    [GeneratedRegex(@"^cus_[A-Za-z0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex StripeCustomerIdRegex();
}
