using System.Text.Json;

namespace PenguinMails.Infrastructure.Core.Tenants;

/// <summary>
/// The postal billing address stored in <c>tenant_config.billing_address</c> (JSONB), as a JSON object with
/// snake_case properties: <c>line1</c>, <c>line2</c>, <c>city</c>, <c>region</c>, <c>postal_code</c>, <c>country</c>.
/// Absent optional parts are left out of the JSON.
/// </summary>
public sealed record BillingAddress
{
    /// <summary>The table of the column that holds the address.</summary>
    private const string Table = "tenant_config";

    /// <summary>The column that holds the address.</summary>
    public const string ColumnName = "billing_address";

    /// <summary>The first address line (street and number); required, one line, at most 200 characters.</summary>
    public required string Line1 { get; init; }

    /// <summary>The second address line; one line, at most 200 characters.</summary>
    public string? Line2 { get; init; }

    /// <summary>The city; required, one line, at most 100 characters.</summary>
    public required string City { get; init; }

    /// <summary>The state, province or region; one line, at most 100 characters.</summary>
    public string? Region { get; init; }

    /// <summary>The postal code; one line, at most 20 characters.</summary>
    public string? PostalCode { get; init; }

    /// <summary>
    /// The country: an officially assigned ISO 3166-1 alpha-2 code in upper case, for example <c>FR</c> or <c>US</c>
    /// (<c>GB</c>, not <c>UK</c>).
    /// </summary>
    public required string Country { get; init; }

    /// <summary>Whether <paramref name="code"/> is an officially assigned ISO 3166-1 alpha-2 code in upper case.</summary>
    /// <param name="code">The candidate code.</param>
    public static bool IsValidCountryCode(string? code) => Iso3166.IsAssignedAlpha2(code);

    /// <summary>The address as the JSON stored in the column (snake_case properties, absent parts left out).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, TenantsJsonContext.Default.BillingAddress);

    /// <summary>Reads the JSON stored in the column.</summary>
    /// <param name="json">The column's JSON text.</param>
    /// <returns>The address.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null (SQL NULL is a null address, not JSON).</exception>
    /// <exception cref="UnknownDatabaseValueException">
    /// The text is not JSON, not an object, lacks <c>line1</c>, <c>city</c> or <c>country</c>, has a property of the
    /// wrong type, or has a property this type does not know.
    /// </exception>
    public static BillingAddress FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize(json, TenantsJsonContext.Default.BillingAddress)
                ?? throw new UnknownDatabaseValueException(Table, ColumnName, JsonColumn.Snippet(json));
        }
        catch (JsonException ex)
        {
            throw new UnknownDatabaseValueException(Table, ColumnName, JsonColumn.Snippet(json), innerException: ex);
        }
    }

    /// <summary>
    /// Every rule the address breaks, with fields named <c>billing_address.line1</c>, <c>billing_address.country</c>
    /// and so on; empty when the address may be written.
    /// </summary>
    public IReadOnlyList<FieldError> Validate() => AddRules(new FieldRules()).Errors;

    internal FieldRules AddRules(FieldRules rules) =>
        rules
            .Text($"{ColumnName}.line1", Line1, 200, required: true, singleLine: true)
            .Text($"{ColumnName}.line2", Line2, 200, singleLine: true)
            .Text($"{ColumnName}.city", City, 100, required: true, singleLine: true)
            .Text($"{ColumnName}.region", Region, 100, singleLine: true)
            .Text($"{ColumnName}.postal_code", PostalCode, 20, singleLine: true)
            .CountryCode($"{ColumnName}.country", Country);
}
