using System.Globalization;

namespace PenguinMails.Infrastructure.Core.Tests.Seed;

/// <summary>Writes a C# default as the seed writes a DEFAULT clause, so the two can be compared as text.</summary>
internal static class SqlLiteral
{
    public static string Of(object value) =>
        value switch
        {
            bool b => b ? "TRUE" : "FALSE",
            int i => i.ToString(CultureInfo.InvariantCulture),
            string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
            _ => throw new ArgumentException($"No SQL literal for {value.GetType().Name}.", nameof(value)),
        };
}
