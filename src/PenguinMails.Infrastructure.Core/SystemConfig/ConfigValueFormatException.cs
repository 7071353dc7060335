namespace PenguinMails.Infrastructure.Core.SystemConfig;

/// <summary>
/// Thrown when a <c>system_config</c> value cannot be read as the requested type (the JSON has the wrong shape).
/// The message names the key and the type, never the value (it may be sensitive).
/// </summary>
public sealed class ConfigValueFormatException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="key">The <c>system_config.key</c> read.</param>
    /// <param name="targetType">The type the value was read as.</param>
    /// <param name="jsonPath">The JSON path where reading failed, when known (a path, never a value).</param>
    /// <param name="innerException">
    /// The serializer's exception; leave it out for a sensitive entry, since a serializer message may quote the value.
    /// </param>
    public ConfigValueFormatException(string key, Type targetType, string? jsonPath = null, Exception? innerException = null)
        : base(BuildMessage(key, targetType, jsonPath), innerException)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(targetType);
        Key = key;
        TargetType = targetType;
        JsonPath = jsonPath;
    }

    /// <summary>The <c>system_config.key</c> whose value could not be read.</summary>
    public string Key { get; }

    /// <summary>The type the value was read as.</summary>
    public Type TargetType { get; }

    /// <summary>The JSON path where reading failed, for example <c>$.retries</c>, when known.</summary>
    public string? JsonPath { get; }

    private static string BuildMessage(string key, Type targetType, string? jsonPath) =>
        $"The system_config value of key '{key}' cannot be read as {DisplayName(targetType)}: the JSON has the wrong shape"
            + (string.IsNullOrEmpty(jsonPath) ? "." : $" at {jsonPath}.");

    private static string DisplayName(Type? type)
    {
        if (type is null)
        {
            return "(null)";
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return DisplayName(underlying) + "?";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick < 0 ? name : name[..tick]) + "<" + string.Join(", ", type.GetGenericArguments().Select(DisplayName)) + ">";
    }
}
