using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>A host that runs its own migration tool applies the very same scripts (docs/migrations.md).</summary>
public sealed class ExternalToolTests
{
    [PostgresTheory]
    [InlineData("public")]
    [InlineData("ext_tool")]
    public async Task Scripts_AppliedByPlainExecutionWithHistoryRows_ThenVerifyPasses(string schema)
    {
        await using var db = await Db.FreshAsync("external");
        await Db.CreateHostTablesAsync(db, schema);

        // What a FluentMigrator/DbUp/Flyway migration does: replace the token, execute, record the version.
        await Db.ExecAsync(db, SchemaMigrations.RenderHistoryTableDdl(schema));
        foreach (var migration in SchemaMigrations.All)
        {
            var sql = migration.UpSql.Replace("$(schema)", schema, StringComparison.Ordinal);
            await using var connection = await db.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await using (var up = new NpgsqlCommand(sql, connection, tx))
            {
                await up.ExecuteNonQueryAsync();
            }

            await using (var history = new NpgsqlCommand($"INSERT INTO {schema}.penguinmails_schema_history (version, name, checksum) VALUES ($1, $2, $3)", connection, tx))
            {
                history.Parameters.Add(new NpgsqlParameter { Value = migration.Version });
                history.Parameters.Add(new NpgsqlParameter { Value = migration.Name });
                history.Parameters.Add(new NpgsqlParameter { Value = migration.Checksum });
                await history.ExecuteNonQueryAsync();
            }

            await tx.CommitAsync();
        }

        var migrator = Db.Migrator(db, schema, createHostTables: false);
        var status = await migrator.VerifyAsync();

        Assert.True(status.IsUpToDate);
        Assert.Equal(SchemaMigrations.LatestVersion, status.CurrentVersion);
        Assert.Empty(await migrator.MigrateAsync());
    }

    [PostgresFact]
    public async Task GenerateScript_RunAsOneCommand_ThenVerifyPasses_AndLaterVersionsFollow()
    {
        await using var db = await Db.FreshAsync("dbascript");
        await Db.CreateHostTablesAsync(db);
        var migrator = Db.Migrator(db, createHostTables: false);

        await Db.ExecAsync(db, migrator.GenerateScript(0, 4));
        Assert.Equal(Enumerable.Range(5, SchemaMigrations.LatestVersion - 4), (await migrator.GetStatusAsync()).Pending.Select(m => m.Version));
        await Db.ExecAsync(db, migrator.GenerateScript(4));

        Assert.True((await migrator.VerifyAsync()).IsUpToDate);
    }

    [PostgresFact]
    public async Task GenerateScript_WithoutHostTables_FailsNamingThem()
    {
        await using var db = await Db.FreshAsync("dbscript_hosts");
        var migrator = Db.Migrator(db, createHostTables: false);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => Db.ExecAsync(db, migrator.GenerateScript()));

        Assert.Contains("users, tenants, domains", ex.MessageText, StringComparison.Ordinal);
    }
}
