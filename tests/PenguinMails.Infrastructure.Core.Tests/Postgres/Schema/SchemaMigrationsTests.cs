using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Core.Tests.Postgres.Schema;

public sealed class SchemaMigrationsTests
{
    /// <summary>
    /// The checksums of the released scripts. An applied script must never change (the migrator reports drift); add a
    /// new version instead. Update this table only for a version that has never been released.
    /// </summary>
    private static readonly Dictionary<int, string> PinnedChecksums = new()
    {
        [1] = "c344b6be37cfb8cac0b09f908ee7975a13cb39e2f7d48b1ec995f3b7219de6fb",
        [2] = "04f105026070b6a3467ad28a0b1575a638815720cc82924930e98a6f4a644fb6",
        [3] = "7c59f3ed407934b48ff0ddf4b2d072b40fb8c36ba554bd990ea1f66e0819f84f",
        [4] = "bfdde5b0e4b197bd1547842723714ac0815a32f38f70c969e06108804d5b40d7",
        [5] = "d13c73d0d0d07536122d909087521a3955950e92df67d5fcb388947a627cd707",
        [6] = "ef19e22a39149af8fa9f441c520d1f793c0fa11b1a3cda7e6821be7a5106532a",
        [7] = "95775579e15093fecd29f1fc006d47d84162ff0654fa23b86fb7603d1677da45",
        [8] = "367b5a66957820aaa9eb7cd6c6f890498e0b5a27035a6d7ab48e7537d48172b0",
        [9] = "5a735e83af56854149e64e74ad38792fe44f63a5f945be5e6f4d2d43698ef1ce",
        [10] = "4bcdb3c668fc985a7fabb5282ce773d274960248b03dabeaa8d1a0ece434ed51",
    };

    [Fact]
    public void All_Versions_AreDenseFromOne()
    {
        var versions = SchemaMigrations.All.Select(m => m.Version).ToArray();

        Assert.NotEmpty(versions);
        Assert.Equal(Enumerable.Range(1, versions.Length), versions);
        Assert.Equal(versions.Length, SchemaMigrations.LatestVersion);
    }

    [Fact]
    public void ResourceNames_FollowPattern_WithOneUpAndOneDownPerVersion()
    {
        var parsed = SchemaMigrations.ResourceNames
            .Select(n => SchemaMigrations.ScriptNameRegex().Match(n[SchemaMigrations.ResourcePrefix.Length..]))
            .ToArray();

        Assert.All(parsed, m => Assert.True(m.Success, m.Value));
        var byVersion = parsed.GroupBy(m => int.Parse(m.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(SchemaMigrations.All.Count, byVersion.Length);
        Assert.All(byVersion, g =>
        {
            Assert.Equal(["down", "up"], g.Select(m => m.Groups["direction"].Value).Order().ToArray());
            Assert.Single(g.Select(m => m.Groups["name"].Value).Distinct());
        });
    }

    [Fact]
    public void All_EveryUpHasANonEmptyDown()
    {
        Assert.All(SchemaMigrations.All, m =>
        {
            Assert.False(string.IsNullOrWhiteSpace(StripComments(m.DownSql)), $"{m} has an empty down script");
            Assert.False(string.IsNullOrWhiteSpace(StripComments(m.UpSql)), $"{m} has an empty up script");
        });
    }

    [Fact]
    public void Scripts_HaveNoPsqlMetaCommands()
    {
        foreach (var m in SchemaMigrations.All)
        {
            foreach (var (sql, direction) in new[] { (m.UpSql, "up"), (m.DownSql, "down") })
            {
                var meta = sql.Split('\n').Where(l => l.TrimStart().StartsWith('\\')).ToArray();
                Assert.True(meta.Length == 0, $"{m} {direction} has psql meta-commands: {string.Join(" | ", meta)}");
            }
        }
    }

    [Fact]
    public void Scripts_UseOnlyTheSchemaToken_AndQualifyEveryObject()
    {
        var otherToken = new Regex(@"\$\((?!schema\))[^)]*\)");
        var unqualified = new Regex(
            @"\b(CREATE TABLE|DROP TABLE|REFERENCES|INSERT INTO|DELETE FROM|CREATE FUNCTION|DROP FUNCTION|EXECUTE FUNCTION|ON)\s+(?!\$\(schema\)\.)(?<name>[a-z_]+)\s*[\(\s;]");
        foreach (var m in SchemaMigrations.All)
        {
            foreach (var sql in new[] { m.UpSql, m.DownSql })
            {
                var code = StripComments(sql);
                Assert.DoesNotMatch(otherToken, code);
                var hits = unqualified.Matches(code).Select(x => x.Value).Where(v => !v.StartsWith("ON DELETE", StringComparison.Ordinal) && !v.StartsWith("ON UPDATE", StringComparison.Ordinal)).ToArray();
                Assert.True(hits.Length == 0, $"{m}: object names without $(schema).: {string.Join(" | ", hits)}");
            }
        }
    }

    [Fact]
    public void Checksum_IsSha256OfTheUpScriptBeforeTokenReplacement()
    {
        Assert.All(SchemaMigrations.All, m =>
        {
            var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(m.UpSql)));
            Assert.Equal(expected, m.Checksum);
            Assert.Matches("^[0-9a-f]{64}$", m.Checksum);
            Assert.Contains(SchemaMigration.SchemaToken, m.UpSql, StringComparison.Ordinal);
            Assert.DoesNotContain('\r', m.UpSql);
        });
    }

    [Fact]
    public void Checksum_OfEveryReleasedVersion_NeverChanges()
    {
        foreach (var (version, checksum) in PinnedChecksums)
        {
            var migration = Assert.Single(SchemaMigrations.All, m => m.Version == version);
            Assert.True(checksum == migration.Checksum, $"The script of version {migration} changed after release: add a new version instead.");
        }

        Assert.All(SchemaMigrations.All, m => Assert.True(PinnedChecksums.ContainsKey(m.Version), $"Pin the checksum of {m}: {m.Checksum}"));
    }

    [Fact]
    public void RenderUp_ReplacesEveryToken()
    {
        var m = SchemaMigrations.All[0];

        var rendered = m.RenderUp("tenant_a");

        Assert.DoesNotContain("$(schema)", rendered, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE tenant_a.vps_instances", rendered, StringComparison.Ordinal);
        Assert.Equal(m.UpSql.Replace("$(schema)", "tenant_a", StringComparison.Ordinal), rendered);
    }

    [Theory]
    [InlineData("public")]
    [InlineData("app")]
    [InlineData("_private")]
    [InlineData("tenant_42")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    public void IsValidSchemaName_AcceptedNames_ReturnTrue(string schema)
    {
        Assert.True(SchemaMigrations.IsValidSchemaName(schema));
        SchemaMigrations.ValidateSchemaName(schema);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Public")]
    [InlineData("1app")]
    [InlineData("app-x")]
    [InlineData("app x")]
    [InlineData("app;drop table users")]
    [InlineData("\"app\"")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    [InlineData("select")]
    [InlineData("user")]
    [InlineData("order")]
    [InlineData("pg_catalog")]
    [InlineData("pg_temp")]
    public void IsValidSchemaName_RejectedNames_ReturnFalseAndRenderThrows(string schema)
    {
        Assert.False(SchemaMigrations.IsValidSchemaName(schema));
        Assert.Throws<ArgumentException>(() => SchemaMigrations.ValidateSchemaName(schema));
        Assert.Throws<ArgumentException>(() => SchemaMigrations.All[0].RenderUp(schema));
        Assert.Throws<ArgumentException>(() => SchemaMigrations.All[0].RenderDown(schema));
    }

    [Fact]
    public void IsValidSchemaName_Null_ReturnsFalse()
    {
        Assert.False(SchemaMigrations.IsValidSchemaName(null));
        Assert.Throws<ArgumentNullException>(() => SchemaMigrations.ValidateSchemaName(null!));
    }

    [Fact]
    public void Constructor_InvalidSchema_Throws()
    {
        using var dataSource = NpgsqlDataSource.Create("Host=localhost");

        Assert.Throws<ArgumentException>(() => new PostgresMigrator(dataSource, new MigratorOptions { Schema = "Bad-Name" }));
    }

    [Fact]
    public void GetAdvisoryLockKey_IsStableAndPerSchema()
    {
        var expected = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData("penguinmails:public"u8));

        Assert.Equal(expected, PostgresMigrator.GetAdvisoryLockKey("public"));
        Assert.Equal(PostgresMigrator.GetAdvisoryLockKey("public"), PostgresMigrator.GetAdvisoryLockKey("public"));
        Assert.NotEqual(PostgresMigrator.GetAdvisoryLockKey("public"), PostgresMigrator.GetAdvisoryLockKey("tenant_a"));
    }

    [Fact]
    public void GenerateScript_FromZero_HasEveryVersionInItsOwnTransactionWithItsHistoryRow()
    {
        using var dataSource = NpgsqlDataSource.Create("Host=localhost");
        var migrator = new PostgresMigrator(dataSource, new MigratorOptions { Schema = "pm" });

        var script = migrator.GenerateScript();

        Assert.DoesNotContain("$(schema)", script, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"^\s*\\", RegexOptions.Multiline), script);
        Assert.Contains("CREATE SCHEMA IF NOT EXISTS pm;", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE IF NOT EXISTS pm.penguinmails_schema_history", script, StringComparison.Ordinal);
        foreach (var m in SchemaMigrations.All)
        {
            Assert.Contains(m.RenderUp("pm").TrimEnd('\n'), script, StringComparison.Ordinal);
            Assert.Contains(m.RenderHistoryInsert("pm"), script, StringComparison.Ordinal);
        }

        Assert.Equal(SchemaMigrations.All.Count + 1, Regex.Count(script, "^BEGIN;$", RegexOptions.Multiline));
        Assert.Equal(SchemaMigrations.All.Count + 1, Regex.Count(script, "^COMMIT;$", RegexOptions.Multiline));
        Assert.Equal(SchemaMigrations.All.Count + 1, Regex.Count(script, @"pg_advisory_xact_lock\(" + PostgresMigrator.GetAdvisoryLockKey("pm") + @"\)"));
    }

    [Fact]
    public void GenerateScript_Range_HasOnlyThoseVersions()
    {
        using var dataSource = NpgsqlDataSource.Create("Host=localhost");
        var migrator = new PostgresMigrator(dataSource);

        var script = migrator.GenerateScript(2, 4);

        Assert.DoesNotContain("-- Version 2:", script, StringComparison.Ordinal);
        Assert.Contains("-- Version 3:", script, StringComparison.Ordinal);
        Assert.Contains("-- Version 4:", script, StringComparison.Ordinal);
        Assert.DoesNotContain("-- Version 5:", script, StringComparison.Ordinal);
        Assert.Contains("Nothing to apply", migrator.GenerateScript(SchemaMigrations.LatestVersion), StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => migrator.GenerateScript(4, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => migrator.GenerateScript(0, SchemaMigrations.LatestVersion + 1));
    }

    private static string StripComments(string sql) =>
        string.Join('\n', sql.Split('\n').Select(l => l.Contains("--", StringComparison.Ordinal) ? l[..l.IndexOf("--", StringComparison.Ordinal)] : l));
}
