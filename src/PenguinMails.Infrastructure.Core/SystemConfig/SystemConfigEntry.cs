using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PenguinMails.Infrastructure.Core.SystemConfig;

/// <summary>
/// A row of <c>system_config</c>: one platform-wide setting, a JSON value under a key. An immutable snapshot; change it
/// with <c>with</c> and write it through a repository.
/// </summary>
/// <remarks>
/// When <see cref="IsSensitive"/> is set, <see cref="ToString"/> and the debugger display show <c>***</c> in place of
/// the value, and <see cref="ConfigValueFormatException"/> never carries it. Equality compares <see cref="Value"/> by
/// JSON content (<see cref="JsonElement.DeepEquals"/>), not by reference.
/// </remarks>
[DebuggerDisplay("{DebuggerDisplay,nq}")]
public sealed record SystemConfigEntry : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "system_config";

    /// <summary>What <see cref="ToString"/> prints in place of a sensitive value.</summary>
    public const string MaskedValue = "***";

    private readonly JsonElement? _value;

    /// <summary>
    /// <c>key</c> VARCHAR(255) PRIMARY KEY: lowercase ASCII, starting with a letter or digit, then letters, digits,
    /// <c>.</c>, <c>_</c> or <c>-</c>; at most 255 characters. See <see cref="SystemConfigKeys"/>.
    /// </summary>
    public required string Key { get; init; }

    /// <summary>
    /// <c>value</c> JSONB. <see langword="null"/> is SQL NULL; a JSON <c>null</c> is an element of kind
    /// <see cref="JsonValueKind.Null"/>. The element is cloned on assignment, so the entry owns it and does not depend on
    /// the lifetime of a <see cref="JsonDocument"/>; a default (undefined) element is stored as <see langword="null"/>.
    /// </summary>
    public JsonElement? Value
    {
        get => _value;
        init => _value = value is { ValueKind: not JsonValueKind.Undefined } v ? v.Clone() : null;
    }

    /// <summary><c>description</c> VARCHAR(500).</summary>
    public string? Description { get; init; }

    /// <summary><c>category</c> VARCHAR(50): one line.</summary>
    public string? Category { get; init; }

    /// <summary><c>is_sensitive</c> BOOLEAN DEFAULT FALSE: the value is masked in logs, <see cref="ToString"/> and error messages.</summary>
    public bool IsSensitive { get; init; }

    /// <summary><c>updated_by</c> UUID REFERENCES users(id): who made the last change, when known.</summary>
    public UserId? UpdatedBy { get; init; }

    /// <summary><c>updated</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on every write.</summary>
    public DateTimeOffset Updated { get; init; }

    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    private string DebuggerDisplay => $"{Key} = {FormatValue()}";

    /// <summary>
    /// Creates an entry whose value is <paramref name="value"/> serialized with System.Text.Json.
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="key">The key, for example <see cref="SystemConfigKeys.StripeAccountId"/>.</param>
    /// <param name="value">The value; <see langword="null"/> becomes a JSON <c>null</c>.</param>
    /// <param name="isSensitive">Whether the value must be masked.</param>
    /// <param name="description">The description.</param>
    /// <param name="category">The category.</param>
    /// <param name="updatedBy">Who makes the change.</param>
    /// <param name="options">Serializer options; the defaults when null.</param>
    /// <returns>A new entry; <see cref="Updated"/> is left for the store to set.</returns>
    public static SystemConfigEntry Create<T>(
        string key,
        T value,
        bool isSensitive = false,
        string? description = null,
        string? category = null,
        UserId? updatedBy = null,
        JsonSerializerOptions? options = null
    )
    {
        ArgumentNullException.ThrowIfNull(key);
        return new SystemConfigEntry
        {
            Key = key,
            Value = JsonSerializer.SerializeToElement(value, options),
            IsSensitive = isSensitive,
            Description = description,
            Category = category,
            UpdatedBy = updatedBy,
        };
    }

    /// <summary>
    /// Creates an entry whose value is <paramref name="value"/> serialized with source-generated metadata (trimming and
    /// AOT safe).
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">The source-generated metadata of <typeparamref name="T"/>.</param>
    /// <param name="isSensitive">Whether the value must be masked.</param>
    /// <returns>A new entry.</returns>
    public static SystemConfigEntry Create<T>(string key, T value, JsonTypeInfo<T> typeInfo, bool isSensitive = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return new SystemConfigEntry { Key = key, Value = JsonSerializer.SerializeToElement(value, typeInfo), IsSensitive = isSensitive };
    }

    /// <summary>Reads <see cref="Value"/> as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="options">Serializer options; the defaults when null.</param>
    /// <returns>The value; <c>default</c> when the column is SQL NULL.</returns>
    /// <exception cref="ConfigValueFormatException">The JSON does not have the shape of <typeparamref name="T"/>; the exception names the key, never the value.</exception>
    public T? GetValue<T>(JsonSerializerOptions? options = null)
    {
        if (_value is not { } element)
        {
            return default;
        }

        try
        {
            return element.Deserialize<T>(options);
        }
        catch (JsonException ex)
        {
            throw FormatError(typeof(T), ex);
        }
    }

    /// <summary>Reads <see cref="Value"/> with source-generated metadata (trimming and AOT safe).</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="typeInfo">The source-generated metadata of <typeparamref name="T"/>.</param>
    /// <returns>The value; <c>default</c> when the column is SQL NULL.</returns>
    /// <exception cref="ConfigValueFormatException">The JSON does not have the shape of <typeparamref name="T"/>.</exception>
    public T? GetValue<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (_value is not { } element)
        {
            return default;
        }

        try
        {
            return element.Deserialize(typeInfo);
        }
        catch (JsonException ex)
        {
            throw FormatError(typeof(T), ex);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<FieldError> Validate() =>
        new FieldRules()
            .LowercaseKey("key", Key, 255, "config_key")
            .Jsonb("value", _value)
            .Text("description", Description, 500)
            .Text("category", Category, 50, singleLine: true)
            .NotEmpty("updated_by", UpdatedBy?.Value)
            .Errors;

    /// <summary>Equality by column values; <see cref="Value"/> is compared by JSON content.</summary>
    /// <param name="other">The other entry.</param>
    public bool Equals(SystemConfigEntry? other) =>
        other is not null
        && string.Equals(Key, other.Key, StringComparison.Ordinal)
        && ValueEquals(_value, other._value)
        && string.Equals(Description, other.Description, StringComparison.Ordinal)
        && string.Equals(Category, other.Category, StringComparison.Ordinal)
        && IsSensitive == other.IsSensitive
        && UpdatedBy == other.UpdatedBy
        && Updated == other.Updated;

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(
            Key is null ? 0 : StringComparer.Ordinal.GetHashCode(Key),
            _value?.ValueKind,
            Description is null ? 0 : StringComparer.Ordinal.GetHashCode(Description),
            Category is null ? 0 : StringComparer.Ordinal.GetHashCode(Category),
            IsSensitive,
            UpdatedBy,
            Updated
        );

    private bool PrintMembers(StringBuilder builder)
    {
        builder
            .Append("Key = ").Append(Key)
            .Append(", Value = ").Append(FormatValue())
            .Append(", Description = ").Append(Description)
            .Append(", Category = ").Append(Category)
            .Append(", IsSensitive = ").Append(IsSensitive)
            .Append(", UpdatedBy = ").Append(UpdatedBy?.ToString())
            .Append(", Updated = ").Append(Updated.ToString("O", CultureInfo.InvariantCulture));
        return true;
    }

    private string FormatValue() =>
        IsSensitive ? MaskedValue : _value is { } v ? v.GetRawText() : "NULL";

    private static bool ValueEquals(JsonElement? a, JsonElement? b) =>
        a is { } x ? b is { } y && JsonElement.DeepEquals(x, y) : b is null;

    private ConfigValueFormatException FormatError(Type targetType, JsonException ex) =>
        // A serializer message may quote the offending value: keep it out of a sensitive entry's exception chain.
        new(Key, targetType, ex.Path, IsSensitive ? null : ex);
}
