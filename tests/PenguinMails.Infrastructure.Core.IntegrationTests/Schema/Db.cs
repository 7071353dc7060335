using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>Small helpers over a fresh test database.</summary>
internal static class Db
{
    public static async Task<NpgsqlDataSource> FreshAsync(string prefix) =>
        NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync(prefix));

    public static PostgresMigrator Migrator(NpgsqlDataSource dataSource, string schema = "public", bool createHostTables = true) =>
        new(dataSource, new MigratorOptions { Schema = schema, CreateHostTables = createHostTables, MigrationLockTimeout = TimeSpan.FromSeconds(60) });

    public static async Task ExecAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<List<string>> StringsAsync(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }

    /// <summary>The tables (relkind r/p) of a schema, sorted.</summary>
    public static Task<List<string>> TablesAsync(NpgsqlDataSource dataSource, string schema) =>
        StringsAsync(dataSource, "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r','p') ORDER BY 1", schema);

    public static async Task CreateHostTablesAsync(NpgsqlDataSource dataSource, string schema = "public")
    {
        if (schema != "public")
        {
            await ExecAsync(dataSource, $"CREATE SCHEMA IF NOT EXISTS {schema}");
        }

        await ExecAsync(dataSource, SchemaMigrations.RenderHostTableStandInsDdl(schema));
    }
}
