using System.Globalization;
using Npgsql;

namespace PenguinMails.Infrastructure.TestKit.Postgres;

/// <summary>
/// A textual description of everything the migrator makes in a schema (columns with types, defaults and nullability;
/// constraints; indexes; triggers; functions; the migration history's versions, names and checksums; the seeded
/// permission rows), sorted, so that two databases can be compared line by line (for example a migration interrupted
/// and re-run against a clean one).
/// </summary>
public static class SchemaCatalog
{
    private static readonly string[] s_queries =
    [
        """
        SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
               || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT a.attisdropped
        """,
        """
        SELECT 'constraint ' || c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1
        """,
        "SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = $1",
        """
        SELECT 'trigger ' || c.relname || '.' || t.tgname || ' ' || pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND NOT t.tgisinternal
        """,
        """
        SELECT 'function ' || p.proname || ' ' || md5(pg_get_functiondef(p.oid))
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1
        """,
        """
        SELECT 'sequence ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'S'
        """,
    ];

    /// <summary>Describes schema <paramref name="schema"/> of the database of <paramref name="dataSource"/>.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="schema">The schema; <c>public</c> by default.</param>
    /// <returns>The sorted lines.</returns>
    public static async Task<IReadOnlyList<string>> DescribeAsync(NpgsqlDataSource dataSource, string schema = "public")
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var lines = new List<string>();
        foreach (var sql in s_queries)
        {
            lines.AddRange(await StringsAsync(dataSource, sql, schema).ConfigureAwait(false));
        }

        // Names with the schema spliced in are validated identifiers; the history table may be missing.
        if (await ExistsAsync(dataSource, schema, Core.Postgres.Schema.SchemaMigrations.HistoryTableName).ConfigureAwait(false))
        {
            lines.AddRange(await StringsAsync(dataSource, $"SELECT 'history ' || version || ' ' || name || ' ' || checksum FROM \"{schema}\".{Core.Postgres.Schema.SchemaMigrations.HistoryTableName}", null).ConfigureAwait(false));
        }

        if (await ExistsAsync(dataSource, schema, "permissions").ConfigureAwait(false))
        {
            lines.AddRange(await StringsAsync(dataSource, $"SELECT 'permission ' || id || ' ' || name FROM \"{schema}\".permissions", null).ConfigureAwait(false));
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<bool> ExistsAsync(NpgsqlDataSource dataSource, string schema, string table)
    {
        var command = dataSource.CreateCommand("SELECT to_regclass(quote_ident($1) || '.' || quote_ident($2)) IS NOT NULL");
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
            return (bool)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
        }
    }

    private static async Task<List<string>> StringsAsync(NpgsqlDataSource dataSource, string sql, string? parameter)
    {
#pragma warning disable CA2100 // Constant text, or a schema name quoted as an identifier by the caller.
        var command = dataSource.CreateCommand(sql);
#pragma warning restore CA2100
        await using (command.ConfigureAwait(false))
        {
            if (parameter is not null)
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parameter });
            }

            var result = new List<string>();
            var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync().ConfigureAwait(false))
                {
                    result.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
                }
            }

            return result;
        }
    }
}
