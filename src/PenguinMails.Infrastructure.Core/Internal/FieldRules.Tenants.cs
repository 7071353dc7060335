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
    /// A JSONB value: PostgreSQL rejects the escape <c>\u0000</c> in a jsonb string, so it is reported before the write.
    /// </summary>
    public FieldRules Jsonb(string field, JsonElement? value) =>
        value is { } v && ContainsNul(v)
            ? Add(field, "no_nul", $"{field} must not contain a NUL (U+0000) character in a string or property name (PostgreSQL jsonb rejects it).")
            : this;

    private static bool ContainsNul(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString()!.Contains('\0', StringComparison.Ordinal);
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (ContainsNul(item))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name.Contains('\0', StringComparison.Ordinal) || ContainsNul(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
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
