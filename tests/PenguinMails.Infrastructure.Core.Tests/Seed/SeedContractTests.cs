using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Seed;

public sealed class SeedContractTests
{
    [Theory]
    [InlineData("user_preferences", "theme", "'light'")]
    [InlineData("user_preferences", "email_notifications", "TRUE")]
    [InlineData("tenant_policies", "password_min_length", "8")]
    [InlineData("permissions", "category", "'general'")]
    [InlineData("vps_instances", "id", "gen_random_uuid()")]
    [InlineData("staff_role_permissions", "created", "NOW()")]
    [InlineData("system_config", "is_sensitive", "FALSE")]
    public void DefaultOf_ColumnWithDefault_ReturnsRawExpression(string table, string column, string expected)
    {
        Assert.Equal(expected, SeedContract.DefaultOf(table, column));
    }

    [Theory]
    [InlineData("staff_members", "role_id")]
    [InlineData("feature_flags", "key")]
    [InlineData("system_config", "key")]
    [InlineData("tenant_config", "billing_address")]
    public void DefaultOf_ColumnWithoutDefault_ReturnsNull(string table, string column)
    {
        Assert.Null(SeedContract.DefaultOf(table, column));
    }

    [Fact]
    public void CheckList_StatusColumn_ReturnsValuesInOrder()
    {
        Assert.Equal(
            ["active", "provisioning", "scheduled_decommission", "decommissioned"],
            SeedContract.CheckList("vps_instances", "status")
        );
        Assert.Equal(["unwarmed", "warming", "warmed"], SeedContract.CheckList("domain_ip_assignments", "warmup_state"));
    }

    [Fact]
    public void CheckList_ColumnWithoutCheck_IsEmpty()
    {
        Assert.Empty(SeedContract.CheckList("feature_flags", "rollout_percentage"));
    }

    [Theory]
    [InlineData("no_such_table", "id")]
    [InlineData("feature_flags", "no_such_column")]
    [InlineData("staff_role_permissions", "PRIMARY")]
    public void DefaultOf_UnknownTableOrColumn_Throws(string table, string column)
    {
        Assert.Throws<KeyNotFoundException>(() => SeedContract.DefaultOf(table, column));
        Assert.Throws<KeyNotFoundException>(() => SeedContract.CheckList(table, column));
    }

    [Fact]
    public void SeedFile_RepositoryCopy_IsByteForByteTheSharedSeed()
    {
        // SHA-256 of the seed 000_0989560edfceec65.txt as handed over; the repository keeps a copy so that a fresh
        // clone runs the tests. A changed seed is a changed schema contract: update the copy and this hash together.
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(RepositoryLayout.SeedFile)));

        Assert.Equal("cfbfeb8c8fd89baa015daba8e554a85d9eaf23120d6edee65362d9a9f44e8539", hash);
        Assert.StartsWith(RepositoryLayout.Root, RepositoryLayout.SeedFile, StringComparison.Ordinal);
    }

    [Fact]
    public void SeedSql_IsTheSharedSeed_ContainingEveryFoundationTable()
    {
        foreach (var table in new[] { "staff_members", "staff_roles", "permissions", "staff_role_permissions", "system_config", "feature_flags", "user_preferences", "tenant_config", "tenant_policies" })
        {
            Assert.Contains($"CREATE TABLE {table} (", SeedContract.SeedSql, StringComparison.Ordinal);
        }
    }
}
