using System.Text.RegularExpressions;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>A column of the seed SQL.</summary>
internal sealed record SeedColumn(
    string Name,
    string DataType,
    int? Length,
    int? Precision,
    int? Scale,
    bool NotNull,
    string? Default,
    bool Unique,
    string? ReferencesTable,
    string? ReferencesColumn,
    string OnDelete,
    IReadOnlyList<string>? CheckValues);

/// <summary>A table of the seed SQL.</summary>
internal sealed record SeedTable(string Name, IReadOnlyList<SeedColumn> Columns, IReadOnlyList<string> PrimaryKey);

/// <summary>Reads the CREATE TABLE blocks of the seed SQL (the contract of the schema) at test time.</summary>
internal static partial class SeedContract
{
    public static IReadOnlyList<SeedTable> Read(string path)
    {
        var text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        var tables = new List<SeedTable>();
        foreach (Match block in CreateTableRegex().Matches(text))
        {
            var name = block.Groups["name"].Value;
            var columns = new List<SeedColumn>();
            var pk = new List<string>();
            foreach (var item in SplitTopLevel(block.Groups["body"].Value))
            {
                var tablePk = TablePrimaryKeyRegex().Match(item);
                if (tablePk.Success)
                {
                    pk.AddRange(tablePk.Groups["cols"].Value.Split(',', StringSplitOptions.TrimEntries));
                    continue;
                }

                var column = ParseColumn(item);
                if (PrimaryKeyRegex().IsMatch(item))
                {
                    pk.Add(column.Name);
                }

                columns.Add(column);
            }

            tables.Add(new SeedTable(name, columns, pk));
        }

        return tables;
    }

    private static SeedColumn ParseColumn(string item)
    {
        var m = ColumnRegex().Match(item);
        if (!m.Success)
        {
            throw new FormatException($"Unparsed seed column: {item}");
        }

        var rest = m.Groups["rest"].Value;
        var type = m.Groups["type"].Value.ToUpperInvariant();
        string dataType;
        int? length = null, precision = null, scale = null;
        if (type.StartsWith("VARCHAR", StringComparison.Ordinal))
        {
            dataType = "character varying";
            length = int.Parse(m.Groups["a"].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (type.StartsWith("DECIMAL", StringComparison.Ordinal))
        {
            dataType = "numeric";
            precision = int.Parse(m.Groups["a"].Value, System.Globalization.CultureInfo.InvariantCulture);
            scale = int.Parse(m.Groups["b"].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            dataType = type switch
            {
                "UUID" => "uuid",
                "INTEGER" => "integer",
                "TEXT" => "text",
                "JSONB" => "jsonb",
                "BOOLEAN" => "boolean",
                "TIMESTAMP WITH TIME ZONE" => "timestamp with time zone",
                _ => throw new FormatException($"Unknown seed type {type}"),
            };
        }

        var def = DefaultRegex().Match(rest);
        var references = ReferencesRegex().Match(rest);
        var check = CheckRegex().Match(rest);
        return new SeedColumn(
            m.Groups["name"].Value,
            dataType,
            length,
            precision,
            scale,
            rest.Contains("NOT NULL", StringComparison.Ordinal) || PrimaryKeyRegex().IsMatch(rest),
            def.Success ? def.Groups["value"].Value : null,
            UniqueRegex().IsMatch(rest),
            references.Success ? references.Groups["table"].Value : null,
            references.Success ? references.Groups["column"].Value : null,
            references.Success && references.Groups["action"].Success ? references.Groups["action"].Value : "NO ACTION",
            check.Success ? QuotedRegex().Matches(check.Groups["list"].Value).Select(q => q.Groups[1].Value).ToArray() : null);
    }

    private static List<string> SplitTopLevel(string body)
    {
        var items = new List<string>();
        var depth = 0;
        var inQuote = false;
        var start = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '\'')
            {
                inQuote = !inQuote;
            }
            else if (!inQuote && c == '(')
            {
                depth++;
            }
            else if (!inQuote && c == ')')
            {
                depth--;
            }
            else if (!inQuote && depth == 0 && c == ',')
            {
                items.Add(body[start..i].Trim());
                start = i + 1;
            }
        }

        items.Add(body[start..].Trim());
        return items.Where(s => s.Length > 0).ToList();
    }

    [GeneratedRegex(@"CREATE TABLE (?<name>\w+) \((?<body>.*?)\n\);", RegexOptions.Singleline)]
    private static partial Regex CreateTableRegex();

    [GeneratedRegex(@"^PRIMARY KEY \((?<cols>[^)]*)\)$")]
    private static partial Regex TablePrimaryKeyRegex();

    [GeneratedRegex(@"^(?<name>\w+) (?<type>UUID|INTEGER|TEXT|JSONB|BOOLEAN|TIMESTAMP WITH TIME ZONE|VARCHAR\((?<a>\d+)\)|DECIMAL\((?<a>\d+),(?<b>\d+)\))(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex ColumnRegex();

    [GeneratedRegex(@"\bPRIMARY KEY\b")]
    private static partial Regex PrimaryKeyRegex();

    [GeneratedRegex(@"\bUNIQUE\b")]
    private static partial Regex UniqueRegex();

    [GeneratedRegex(@"\bDEFAULT (?<value>'[^']*'|\w+\(\)|\w+)")]
    private static partial Regex DefaultRegex();

    [GeneratedRegex(@"\bREFERENCES (?<table>\w+)\((?<column>\w+)\)(?: ON DELETE (?<action>CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION))?")]
    private static partial Regex ReferencesRegex();

    [GeneratedRegex(@"\bCHECK \(\w+ IN \((?<list>[^)]*)\)\)")]
    private static partial Regex CheckRegex();

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedRegex();
}
