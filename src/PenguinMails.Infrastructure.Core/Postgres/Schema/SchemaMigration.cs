using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>
/// One version of the package's schema: an up script, a down script, and the checksum that the history table records.
/// The scripts are plain PostgreSQL with one token, <c>$(schema)</c>, that stands for the schema name.
/// </summary>
public sealed class SchemaMigration
{
    internal SchemaMigration(int version, string name, string upSql, string downSql)
    {
        Version = version;
        Name = name;
        UpSql = upSql;
        DownSql = downSql;
        Checksum = ComputeChecksum(upSql);
    }

    /// <summary>The token in the scripts that stands for the schema name.</summary>
    public const string SchemaToken = "$(schema)";

    /// <summary>The version, dense from 1.</summary>
    public int Version { get; }

    /// <summary>The name, for example <c>create_vps_and_smtp</c>.</summary>
    public string Name { get; }

    /// <summary>The up script, with the <c>$(schema)</c> token (line ends normalized to <c>\n</c>).</summary>
    public string UpSql { get; }

    /// <summary>The down script, with the <c>$(schema)</c> token (line ends normalized to <c>\n</c>).</summary>
    public string DownSql { get; }

    /// <summary>The SHA-256 of <see cref="UpSql"/> (UTF-8, before token replacement), as 64 lowercase hex digits.</summary>
    public string Checksum { get; }

    /// <summary>The up script for a schema.</summary>
    /// <param name="schema">The schema name; validated with <see cref="SchemaMigrations.ValidateSchemaName"/>.</param>
    /// <returns>The script with the token replaced.</returns>
    public string RenderUp(string schema) => Render(UpSql, schema);

    /// <summary>The down script for a schema.</summary>
    /// <param name="schema">The schema name; validated with <see cref="SchemaMigrations.ValidateSchemaName"/>.</param>
    /// <returns>The script with the token replaced.</returns>
    public string RenderDown(string schema) => Render(DownSql, schema);

    /// <summary>
    /// The statement that records this version in the history table of a schema, for a host that applies
    /// <see cref="RenderUp"/> itself and wants <see cref="PostgresMigrator.VerifyAsync"/> to pass. Run it in the same
    /// transaction as the script.
    /// </summary>
    /// <param name="schema">The schema name; validated with <see cref="SchemaMigrations.ValidateSchemaName"/>.</param>
    /// <returns>An <c>INSERT</c> statement (literals only: the version, name and checksum are the package's own).</returns>
    public string RenderHistoryInsert(string schema)
    {
        SchemaMigrations.ValidateSchemaName(schema);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"INSERT INTO {schema}.{SchemaMigrations.HistoryTableName} (version, name, checksum, applied_by, duration_ms) VALUES ({Version}, '{Name.Replace("'", "''", StringComparison.Ordinal)}', '{Checksum}', current_user, 0);");
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Version:D4}_{Name}");

    internal static string ComputeChecksum(string script) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script)));

    private static string Render(string sql, string schema)
    {
        SchemaMigrations.ValidateSchemaName(schema);
        return sql.Replace(SchemaToken, schema, StringComparison.Ordinal);
    }
}
