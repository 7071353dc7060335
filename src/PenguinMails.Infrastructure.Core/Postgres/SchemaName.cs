using System.Text.RegularExpressions;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL schema the package's tables live in: a validated, unquoted lowercase identifier.</summary>
public static partial class SchemaName
{
    /// <summary>The default schema, <c>public</c>.</summary>
    public const string Default = "public";

    /// <summary>The token scripts and statements use for the schema, FluentMigrator's syntax.</summary>
    public const string Token = "$(schema)";

    /// <summary>Whether <paramref name="schema"/> matches <c>^[a-z_][a-z0-9_]{0,62}$</c>.</summary>
    /// <param name="schema">The name.</param>
    public static bool IsValid(string? schema) => schema is not null && Pattern().IsMatch(schema);

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="schema"/> is valid.</summary>
    /// <param name="schema">The name.</param>
    /// <returns>The same name.</returns>
    public static string Validate(string? schema) =>
        IsValid(schema)
            ? schema!
            : throw new ArgumentException("The schema name must match ^[a-z_][a-z0-9_]{0,62}$.", nameof(schema));

    /// <summary>Replaces <see cref="Token"/> in <paramref name="sql"/> with the quoted, validated schema name.</summary>
    /// <param name="sql">SQL text containing the token.</param>
    /// <param name="schema">The schema name.</param>
    public static string Render(string sql, string schema)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return sql.Replace(Token, "\"" + Validate(schema) + "\"", StringComparison.Ordinal);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
