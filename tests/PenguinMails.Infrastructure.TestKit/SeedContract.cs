using System.Text.RegularExpressions;

namespace PenguinMails.Infrastructure.TestKit;

/// <summary>
/// Reads the seed SQL (the schema contract, <see cref="RepositoryLayout.SeedFile"/>)
/// so that tests can hold the code against its DEFAULT clauses and CHECK lists.
/// </summary>
public static partial class SeedContract
{
    private static readonly Lazy<string> Seed = new(LoadSeed);

    /// <summary>The whole seed text (markdown with the <c>CREATE TABLE</c> statements).</summary>
    public static string SeedSql => Seed.Value;

    /// <summary>The values of the <c>CHECK (column IN (...))</c> list of a column, in order; empty when it has none.</summary>
    /// <param name="table">The table, for example <c>vps_instances</c>.</param>
    /// <param name="column">The column, for example <c>status</c>.</param>
    /// <exception cref="KeyNotFoundException">The seed has no such table or column.</exception>
    public static IReadOnlyList<string> CheckList(string table, string column)
    {
        var definition = ColumnDefinition(table, column);
        var match = Regex.Match(
            definition,
            $@"\bCHECK\s*\(\s*{Regex.Escape(column)}\s+IN\s*\((?<list>[^)]*)\)\s*\)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
        );
        if (!match.Success)
        {
            return [];
        }

        return [.. Regex.Matches(match.Groups["list"].Value, "'((?:[^']|'')*)'").Select(m => m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal))];
    }

    /// <summary>
    /// The raw text of the <c>DEFAULT</c> expression of a column, for example <c>'light'</c>, <c>TRUE</c>, <c>8</c> or
    /// <c>NOW()</c>; null when the column has no DEFAULT clause.
    /// </summary>
    /// <param name="table">The table.</param>
    /// <param name="column">The column.</param>
    /// <exception cref="KeyNotFoundException">The seed has no such table or column.</exception>
    public static string? DefaultOf(string table, string column)
    {
        var definition = ColumnDefinition(table, column);
        var match = Regex.Match(definition, @"\bDEFAULT\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        if (!match.Success)
        {
            return null;
        }

        // The expression runs to the end of the definition or to the next constraint keyword at parenthesis depth 0.
        var rest = definition[(match.Index + match.Length)..];
        var depth = 0;
        var inString = false;
        for (var i = 0; i < rest.Length; i++)
        {
            var c = rest[i];
            if (c == '\'')
            {
                inString = !inString;
            }
            else if (!inString && c == '(')
            {
                depth++;
            }
            else if (!inString && c == ')')
            {
                depth--;
            }
            else if (!inString && depth == 0 && char.IsWhiteSpace(c) && ConstraintKeyword().IsMatch(rest[(i + 1)..]))
            {
                return rest[..i].Trim();
            }
        }

        return rest.Trim();
    }

    private static string ColumnDefinition(string table, string column)
    {
        foreach (var definition in TableBody(table))
        {
            var name = definition.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0];
            if (!TableConstraint().IsMatch(name) && string.Equals(name, column, StringComparison.OrdinalIgnoreCase))
            {
                return definition;
            }
        }

        throw new KeyNotFoundException($"The seed table {table} has no column {column}.");
    }

    private static List<string> TableBody(string table)
    {
        var match = Regex.Match(
            SeedSql,
            $@"CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?{Regex.Escape(table)}\s*\(",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
        );
        if (!match.Success)
        {
            throw new KeyNotFoundException($"The seed has no CREATE TABLE {table}.");
        }

        // Split the body at top-level commas until the parenthesis that closes CREATE TABLE.
        var parts = new List<string>();
        var depth = 0;
        var inString = false;
        var start = match.Index + match.Length;
        for (var i = start; i < SeedSql.Length; i++)
        {
            var c = SeedSql[i];
            if (c == '\'')
            {
                inString = !inString;
            }
            else if (inString)
            {
                continue;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
            else if (c == ')' || (c == ',' && depth == 0))
            {
                var part = SeedSql[start..i].Trim();
                if (part.Length > 0)
                {
                    parts.Add(part);
                }

                if (c == ')')
                {
                    return parts;
                }

                start = i + 1;
            }
        }

        throw new InvalidOperationException($"The seed's CREATE TABLE {table} is not closed.");
    }

    private static string LoadSeed() =>
        File.Exists(RepositoryLayout.SeedFile)
            ? File.ReadAllText(RepositoryLayout.SeedFile)
            : throw new FileNotFoundException($"The seed SQL is not at {RepositoryLayout.SeedFile}.", RepositoryLayout.SeedFile);

    [GeneratedRegex(@"^(CHECK|REFERENCES|PRIMARY|UNIQUE|NOT|NULL|CONSTRAINT|COLLATE|GENERATED)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConstraintKeyword();

    [GeneratedRegex(@"^(PRIMARY|UNIQUE|CONSTRAINT|CHECK|FOREIGN|EXCLUDE)\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TableConstraint();
}
