using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace PenguinMails.Infrastructure.Core.DependencyInjection.Internal;

/// <summary>
/// Binds <see cref="PenguinMailsInfraOptions"/> from configuration so that a list given in configuration replaces the
/// option's default list. The configuration binder appends the configured items to a list that already holds values
/// (<c>StatusPreference:0 = Warmed</c> would give the four defaults followed by <c>Warmed</c>); this binds as usual, then
/// sets every list-valued option that has a configuration section to exactly that section's items.
/// </summary>
internal static class ConfigurationLists
{
    public static void Bind(IConfiguration configuration, PenguinMailsInfraOptions options)
    {
        configuration.Bind(options);
        Replace(configuration, options, depth: 0);
    }

    private static void Replace(IConfiguration configuration, object options, int depth)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead)
            {
                continue;
            }

            var section = configuration.GetSection(property.Name);
            if (!section.Exists())
            {
                continue;
            }

            var type = property.PropertyType;
            if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && !typeof(IDictionary).IsAssignableFrom(type) && !IsGenericDictionary(type))
            {
                if (property.CanWrite && section.GetChildren().Any())
                {
                    property.SetValue(options, section.Get(type));
                }
            }
            else if (depth < 4 && type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("PenguinMails.", StringComparison.Ordinal) == true
                && property.GetValue(options) is { } nested)
            {
                Replace(section, nested, depth + 1);
            }
        }
    }

    private static bool IsGenericDictionary(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(Dictionary<,>));
}
