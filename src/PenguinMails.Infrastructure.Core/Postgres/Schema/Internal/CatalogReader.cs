using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace PenguinMails.Infrastructure.Core.Postgres.Schema.Internal;

/// <summary>One catalog object of a schema: its type, the table it belongs to (null for a function), its name and definition.</summary>
internal sealed record CatalogObject(string ObjectType, string? Table, string Name, string Definition);

/// <summary>
/// Reads the objects of one schema from the system catalogs: tables, columns (type, nullability, default), constraints,
/// indexes, triggers and functions, each with the server's own definition text. Run with <c>search_path</c> set to
/// <c>pg_catalog</c> so that every name in a definition is schema-qualified the same way in every schema.
/// </summary>
internal static class CatalogReader
{
    private const string Sql = """
        SELECT 'table', c.relname, c.relname, 'table'
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = @schema AND c.relkind IN ('r', 'p')
        UNION ALL
        SELECT 'column', c.relname, c.relname || '.' || a.attname,
               format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
               || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = @schema AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL
        SELECT 'constraint', c.relname, c.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = @schema
        UNION ALL
        SELECT 'index', t.relname, i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = @schema
        UNION ALL
        SELECT 'trigger', c.relname, c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = @schema AND NOT t.tgisinternal
        UNION ALL
        SELECT 'function', NULL, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = @schema AND p.prokind = 'f'
        """;

    [SuppressMessage("Reliability", "CA2007:Consider calling ConfigureAwait on the awaited task", Justification = "ConfigureAwait(false) is applied; the analyzer does not see through await using of a configured reader.")]
    public static async Task<List<CatalogObject>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.AddWithValue("schema", schema);
        var result = new List<CatalogObject>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new CatalogObject(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        return result;
    }
}
