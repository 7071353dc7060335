using System.Text.RegularExpressions;

namespace PenguinMails.Infrastructure.TestKit;

/// <summary>
/// The seed SQL (the schema contract, <c>../shared/seeds/000_0989560edfceec65.txt</c> next to the repository root) and
/// helpers that read it, so tests hold the code against the seed instead of a copy of it.
/// </summary>
public static partial class SeedContract
{
    private const string SolutionFile = "PenguinMails.Infrastructure.Core.sln";
    private const string SeedFile = "000_0989560edfceec65.txt";

    private static readonly Lazy<string> Seed = new(Load);

    /// <summary>The text of the seed file.</summary>
    public static string SeedSql => Seed.Value;

    /// <summary>
    /// The values of the <c>CHECK (column IN ('a', 'b', ...))</c> list of <paramref name="column"/> in the
    /// <c>CREATE TABLE <paramref name="table"/></c> statement, in the order written.
    /// </summary>
    /// <exception cref="InvalidOperationException">The table, the column or its CHECK list is not in the seed.</exception>
    public static IReadOnlyList<string> CheckList(string table, string column)
    {
        var body = TableBody(table);
        var check = Regex.Match(
            body,
            $@"^\s*{Regex.Escape(column)}\s+[^\n]*?CHECK\s*\(\s*{Regex.Escape(column)}\s+IN\s*\((?<list>[^)]*)\)",
            RegexOptions.Multiline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
        );
        if (!check.Success)
        {
            throw new InvalidOperationException($"The seed has no CHECK (... IN (...)) list for {table}.{column}.");
        }

        return [.. QuotedRegex().Matches(check.Groups["list"].Value).Select(m => m.Groups["v"].Value.Replace("''", "'", StringComparison.Ordinal))];
    }

    private static string TableBody(string table)
    {
        var match = Regex.Match(
            SeedSql,
            $@"CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?{Regex.Escape(table)}\s*\((?<body>.*?)\n\s*\);",
            RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
        );
        return match.Success
            ? match.Groups["body"].Value
            : throw new InvalidOperationException($"The seed has no CREATE TABLE {table}.");
    }

    private static string Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "seeds", SeedFile));
                return File.Exists(path)
                    ? File.ReadAllText(path)
                    : throw new FileNotFoundException($"The seed file is not at {path}.", path);
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds {SolutionFile}.");
    }

    [GeneratedRegex("'(?<v>(?:[^']|'')*)'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedRegex();
}
