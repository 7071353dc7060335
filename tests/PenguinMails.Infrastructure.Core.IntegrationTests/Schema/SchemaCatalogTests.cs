using System.Text.RegularExpressions;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>The migrated catalog holds every fact of the seed SQL, read from the seed file at test time.</summary>
public sealed partial class SchemaCatalogTests
{
    /// <summary>Every addition to the seed, by table: explicitly named constraints and indexes (docs/schema.md).</summary>
    private static readonly Dictionary<string, string[]> NamedAdditions = new()
    {
        ["vps_instances"] = ["ck_vps_instances_monthly_cost", "ck_vps_instances_approximate_cost", "ck_vps_instances_hostwinds_billing_day", "ix_vps_instances_status_region", "ix_vps_instances_region"],
        ["smtp_ip_addresses"] = ["ck_smtp_ip_addresses_approximate_cost", "ck_smtp_ip_addresses_assigned_count", "ix_smtp_ip_addresses_vps_instance_id", "ix_smtp_ip_addresses_status", "ix_smtp_ip_addresses_reputation_state", "ix_smtp_ip_addresses_allocation_rank"],
        ["domain_ip_assignments"] = ["ix_domain_ip_assignments_domain_id", "ix_domain_ip_assignments_smtp_ip_address_id", "ix_domain_ip_assignments_status", "ix_domain_ip_assignments_expires", "ux_domain_ip_assignments_domain_id_smtp_ip_address_id", "ix_domain_ip_assignments_due"],
        ["staff_members"] = ["ix_staff_members_role_id"],
        ["staff_roles"] = [],
        ["permissions"] = [],
        ["staff_role_permissions"] = ["ix_staff_role_permissions_permission_id"],
        ["system_config"] = ["ix_system_config_category", "ix_system_config_updated_by"],
        ["feature_flags"] = ["ck_feature_flags_rollout_percentage", "ix_feature_flags_updated_by"],
        ["user_preferences"] = ["ux_user_preferences_user_id"],
        ["tenant_config"] = [],
        ["tenant_policies"] = [],
    };

    private static readonly string[] TablesWithUpdated =
        ["vps_instances", "smtp_ip_addresses", "domain_ip_assignments", "staff_members", "system_config", "feature_flags", "user_preferences", "tenant_config", "tenant_policies"];

    [Fact]
    public void SeedFile_HasTheTwelveTables()
    {
        var seed = SeedContract.Read(RepositoryLayout.SeedFile);

        Assert.Equal(12, seed.Count);
        Assert.Equal(NamedAdditions.Keys.Order(), seed.Select(t => t.Name).Order());
        Assert.All(seed, t => Assert.NotEmpty(t.PrimaryKey));
    }

    [PostgresTheory]
    [InlineData("public")]
    [InlineData("pm_infra")]
    public async Task Migrate_Catalog_HoldsEveryFactOfTheSeed(string schema)
    {
        await using var db = await Db.FreshAsync("catalog");
        await Db.Migrator(db, schema).MigrateAsync();
        var seed = SeedContract.Read(RepositoryLayout.SeedFile);

        var tables = await Db.TablesAsync(db, schema);
        Assert.Equal(
            seed.Select(t => t.Name).Concat(SchemaMigrations.HostTables).Append(SchemaMigrations.HistoryTableName).Order(StringComparer.Ordinal),
            tables.Order(StringComparer.Ordinal));

        foreach (var table in seed)
        {
            await AssertColumnsAsync(db, schema, table);
            await AssertConstraintsAsync(db, schema, table);
        }
    }

    [PostgresFact]
    public async Task Migrate_Additions_AreExactlyTheNamedOnes()
    {
        await using var db = await Db.FreshAsync("additions");
        await Db.Migrator(db).MigrateAsync();

        foreach (var (table, expected) in NamedAdditions)
        {
            var named = await Db.StringsAsync(
                db,
                """
                SELECT conname::text FROM pg_constraint WHERE conrelid = ('public.' || $1)::regclass AND conname ~ '^(ck|ux|ix|fk)_'
                UNION
                SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = ('public.' || $1)::regclass
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = indexrelid)
                """,
                table);
            Assert.Equal(expected.Order(StringComparer.Ordinal), named.Select(n => n.Replace("public.", "", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        }

        var triggers = await Db.StringsAsync(db, "SELECT tgrelid::regclass::text || ':' || tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1");
        string[] notified = ["feature_flags", "staff_members", "staff_roles", "permissions", "staff_role_permissions"];
        Assert.Equal(
            TablesWithUpdated.Select(t => $"{t}:trg_{t}_updated").Concat(notified.Select(t => $"{t}:trg_{t}_notify")).Order(StringComparer.Ordinal),
            triggers.Order(StringComparer.Ordinal)
        );
    }

    [PostgresFact]
    public async Task Migrate_EveryForeignKeyColumn_IsTheLeadingColumnOfAnIndex()
    {
        await using var db = await Db.FreshAsync("fkindex");
        await Db.Migrator(db).MigrateAsync();

        var unindexed = await Db.StringsAsync(
            db,
            """
            SELECT c.conrelid::regclass::text || '.' || a.attname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE c.contype = 'f' AND n.nspname = 'public'
              AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
            """);

        Assert.Empty(unindexed);
    }

    private static async Task AssertColumnsAsync(NpgsqlDataSource db, string schema, SeedTable table)
    {
        await using var command = db.CreateCommand(
            """
            SELECT column_name::text, data_type::text, character_maximum_length, numeric_precision, numeric_scale, is_nullable::text, column_default::text
            FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        command.Parameters.Add(new NpgsqlParameter { Value = table.Name });
        var actual = new List<SeedColumn>();
        var nullable = new Dictionary<string, bool>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var name = reader.GetString(0);
                var dataType = reader.GetString(1);
                nullable[name] = reader.GetString(5) == "YES";
                actual.Add(new SeedColumn(
                    name,
                    dataType,
                    reader.IsDBNull(2) ? null : reader.GetInt32(2),
                    dataType == "numeric" ? reader.GetInt32(3) : null,
                    dataType == "numeric" ? reader.GetInt32(4) : null,
                    !nullable[name],
                    reader.IsDBNull(6) ? null : NormalizeDefault(reader.GetString(6)),
                    false,
                    null,
                    null,
                    "NO ACTION",
                    null));
            }
        }

        var expected = table.Columns.Select(c => (c.Name, c.DataType, c.Length, c.Precision, c.Scale, NotNull: c.NotNull || table.PrimaryKey.Contains(c.Name), Default: c.Default is null ? null : NormalizeDefault(c.Default))).ToArray();
        var got = actual.Select(c => (c.Name, c.DataType, c.Length, c.Precision, c.Scale, c.NotNull, c.Default)).ToArray();
        Assert.Equal(expected, got);
    }

    private static async Task AssertConstraintsAsync(NpgsqlDataSource db, string schema, SeedTable table)
    {
        await using var command = db.CreateCommand(
            """
            SELECT c.conname::text, c.contype::text, c.confdeltype::text,
                   ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
                   nf.nspname::text, cf.relname::text,
                   ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i),
                   pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            LEFT JOIN pg_class cf ON cf.oid = c.confrelid LEFT JOIN pg_namespace nf ON nf.oid = cf.relnamespace
            WHERE n.nspname = $1 AND t.relname = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        command.Parameters.Add(new NpgsqlParameter { Value = table.Name });
        var constraints = new List<(string Name, string Type, string DeleteAction, string[] Columns, string? RefSchema, string? RefTable, string[] RefColumns, string Definition)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                constraints.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<string[]>(6), reader.GetString(7)));
            }
        }

        var seedFacts = 0;
        var pk = Assert.Single(constraints, c => c.Type == "p");
        Assert.Equal(table.PrimaryKey, pk.Columns);
        seedFacts++;

        foreach (var column in table.Columns)
        {
            if (column.Unique)
            {
                Assert.Contains(constraints, c => c.Type == "u" && c.Columns.SequenceEqual([column.Name]) && c.Name == $"{table.Name}_{column.Name}_key");
                seedFacts++;
            }

            if (column.ReferencesTable is not null)
            {
                var fk = Assert.Single(constraints, c => c.Type == "f" && c.Columns.SequenceEqual([column.Name]));
                Assert.Equal($"{table.Name}_{column.Name}_fkey", fk.Name);
                Assert.Equal(schema, fk.RefSchema);
                Assert.Equal(column.ReferencesTable, fk.RefTable);
                Assert.Equal([column.ReferencesColumn!], fk.RefColumns);
                Assert.Equal(column.OnDelete switch { "CASCADE" => "c", "SET NULL" => "n", "SET DEFAULT" => "d", "RESTRICT" => "r", _ => "a" }, fk.DeleteAction);
                seedFacts++;
            }

            if (column.CheckValues is not null)
            {
                var check = Assert.Single(constraints, c => c.Name == $"{table.Name}_{column.Name}_check");
                Assert.Equal("c", check.Type);
                Assert.Equal([column.Name], check.Columns);
                var values = CheckValueRegex().Matches(check.Definition).Select(m => m.Groups[1].Value).ToArray();
                Assert.Equal(column.CheckValues, values);
                seedFacts++;
            }
        }

        // Nothing else, except the explicitly named additions.
        Assert.Equal(seedFacts, constraints.Count(c => !Regex.IsMatch(c.Name, "^(ck|ux|fk)_")));
    }

    /// <summary>Lowercase, without casts: <c>'light'::character varying</c> and <c>'light'</c> compare equal.</summary>
    private static string NormalizeDefault(string value) => CastRegex().Replace(value, string.Empty).ToLowerInvariant();

    [GeneratedRegex(@"::[a-z ]+(\[\])?")]
    private static partial Regex CastRegex();

    [GeneratedRegex(@"'([^']*)'::character varying")]
    private static partial Regex CheckValueRegex();
}
