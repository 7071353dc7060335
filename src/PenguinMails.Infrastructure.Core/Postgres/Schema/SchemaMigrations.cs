using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>The package's schema migrations, and the rules for schema names.</summary>
public static partial class SchemaMigrations
{
    /// <summary>The default schema name.</summary>
    public const string DefaultSchema = "public";

    /// <summary>The name of the migrator's history table (in the migrated schema).</summary>
    public const string HistoryTableName = "penguinmails_schema_history";

    internal const string ResourcePrefix = "PenguinMails.Infrastructure.Core.Postgres.Schema.Scripts.";

    private static readonly Lazy<IReadOnlyList<SchemaMigration>> s_all = new(Load);

    /// <summary>Every migration, ascending by version (dense from 1).</summary>
    public static IReadOnlyList<SchemaMigration> All => s_all.Value;

    /// <summary>The highest version.</summary>
    public static int LatestVersion => All[^1].Version;

    /// <summary>
    /// The host platform's tables the schema references (<c>users</c>, <c>tenants</c>, <c>domains</c>). The migrations
    /// never create, alter or drop them; they are looked up in the migrated schema.
    /// </summary>
    public static IReadOnlyList<string> HostTables { get; } = ["users", "tenants", "domains"];

    /// <summary>
    /// Words PostgreSQL reserves (categories R and T of <c>pg_get_keywords()</c>) that cannot qualify a table name
    /// without quotes; rejected as schema names.
    /// </summary>
    internal static FrozenSet<string> ReservedKeywords { get; } = new[]
    {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both",
        "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross",
        "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
        "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
        "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner",
        "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
        "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer",
        "overlaps", "placing", "primary", "references", "returning", "right", "select", "session_user", "similar",
        "some", "symmetric", "system_user", "table", "tablesample", "then", "to", "trailing", "true", "union", "unique",
        "user", "using", "variadic", "verbose", "when", "where", "window", "with",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Whether a schema name is accepted: <c>^[a-z_][a-z0-9_]{0,62}$</c>, not a reserved keyword, not <c>pg_*</c>.</summary>
    /// <param name="schema">The name.</param>
    /// <returns>True when the name can be used.</returns>
    public static bool IsValidSchemaName(string? schema) =>
        schema is not null
        && SchemaNameRegex().IsMatch(schema)
        && !ReservedKeywords.Contains(schema)
        && !schema.StartsWith("pg_", StringComparison.Ordinal);

    /// <summary>Throws when a schema name is not accepted (see <see cref="IsValidSchemaName"/>).</summary>
    /// <param name="schema">The name.</param>
    /// <exception cref="ArgumentException">The name is not accepted.</exception>
    public static void ValidateSchemaName(string schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!IsValidSchemaName(schema))
        {
            throw new ArgumentException(
                $"Schema name '{Truncate(schema)}' is not accepted: it must match ^[a-z_][a-z0-9_]{{0,62}}$, must not start with pg_ and must not be a reserved SQL keyword.",
                nameof(schema));
        }
    }

    /// <summary>The DDL of the history table for a schema (<c>CREATE TABLE IF NOT EXISTS</c>).</summary>
    /// <param name="schema">The schema name; validated.</param>
    /// <returns>The statement.</returns>
    public static string RenderHistoryTableDdl(string schema)
    {
        ValidateSchemaName(schema);
        return $"""
            CREATE TABLE IF NOT EXISTS {schema}.{HistoryTableName} (
                version INTEGER PRIMARY KEY,
                name VARCHAR(200) NOT NULL,
                checksum VARCHAR(64) NOT NULL,
                applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                applied_by VARCHAR(255) NOT NULL DEFAULT current_user,
                duration_ms BIGINT NOT NULL DEFAULT 0
            );
            """;
    }

    /// <summary>The DDL of the minimal host-table stand-ins for a schema (<c>CREATE TABLE IF NOT EXISTS</c>).</summary>
    /// <param name="schema">The schema name; validated.</param>
    /// <returns>The statements.</returns>
    public static string RenderHostTableStandInsDdl(string schema)
    {
        ValidateSchemaName(schema);
        return $"""
            CREATE TABLE IF NOT EXISTS {schema}.users (id UUID PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS {schema}.tenants (id UUID PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS {schema}.domains (id UUID PRIMARY KEY, tenant_id UUID);
            """;
    }

    /// <summary>The names of the embedded script resources (for tests).</summary>
    internal static IReadOnlyList<string> ResourceNames =>
        typeof(SchemaMigrations).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Reads an embedded script resource (line ends normalized to <c>\n</c>).</summary>
    internal static string ReadResource(string resourceName)
    {
        using var stream = typeof(SchemaMigrations).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded resource {resourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static List<SchemaMigration> Load()
    {
        var ups = new SortedDictionary<int, (string Name, string Resource)>();
        var downs = new Dictionary<int, string>();
        foreach (var resource in ResourceNames)
        {
            var match = ScriptNameRegex().Match(resource[ResourcePrefix.Length..]);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Embedded script {resource} does not follow NNNN_name.(up|down).sql.");
            }

            var version = int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture);
            if (match.Groups["direction"].Value == "up")
            {
                if (!ups.TryAdd(version, (match.Groups["name"].Value, resource)))
                {
                    throw new InvalidOperationException($"Version {version} has two up scripts.");
                }
            }
            else if (!downs.TryAdd(version, resource))
            {
                throw new InvalidOperationException($"Version {version} has two down scripts.");
            }
        }

        var result = new List<SchemaMigration>(ups.Count);
        foreach (var (version, (name, resource)) in ups)
        {
            if (!downs.TryGetValue(version, out var downResource))
            {
                throw new InvalidOperationException($"Version {version} has no down script.");
            }

            result.Add(new SchemaMigration(version, name, ReadResource(resource), ReadResource(downResource)));
        }

        return result;
    }

    private static string Truncate(string value) => value.Length <= 70 ? value : value[..70] + "...";

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaNameRegex();

    [GeneratedRegex(@"^(?<version>[0-9]{4})_(?<name>[a-z0-9_]+)\.(?<direction>up|down)\.sql$", RegexOptions.CultureInvariant)]
    internal static partial Regex ScriptNameRegex();
}
