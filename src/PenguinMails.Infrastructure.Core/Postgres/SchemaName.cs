namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>The PostgreSQL schema the package's tables live in: a validated, unquoted lowercase identifier.</summary>
public static class SchemaName
{
    /// <summary>The default schema, <c>public</c>.</summary>
    public const string Default = "public";

    /// <summary>The token scripts and statements use for the schema, FluentMigrator's syntax.</summary>
    public const string Token = "$(schema)";

    /// <summary>Whether <paramref name="schema"/> is accepted (see <see cref="Schema.SchemaMigrations.IsValidSchemaName"/>).</summary>
    /// <param name="schema">The name.</param>
    public static bool IsValid(string? schema) => Schema.SchemaMigrations.IsValidSchemaName(schema);

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="schema"/> is valid.</summary>
    /// <param name="schema">The name.</param>
    /// <returns>The same name.</returns>
    public static string Validate(string? schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema.SchemaMigrations.ValidateSchemaName(schema);
        return schema;
    }

    /// <summary>Replaces <see cref="Token"/> in <paramref name="sql"/> with the validated schema name (a lowercase, non-reserved identifier, so it needs no quoting).</summary>
    /// <param name="sql">SQL text containing the token.</param>
    /// <param name="schema">The schema name.</param>
    public static string Render(string sql, string schema)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return sql.Replace(Token, Validate(schema), StringComparison.Ordinal);
    }
}
