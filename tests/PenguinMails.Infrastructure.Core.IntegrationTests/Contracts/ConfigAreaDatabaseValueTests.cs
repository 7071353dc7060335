using Npgsql;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Preferences;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>
/// Rows only another writer can leave in PostgreSQL (NULL in a column the entity requires, an address JSON of the wrong
/// shape): the repositories report them as <see cref="UnknownDatabaseValueException"/> naming table, column and row.
/// The in-memory store cannot hold such rows, so these run on PostgreSQL only.
/// </summary>
public sealed class ConfigAreaDatabaseValueTests(PostgresContractDatabase database) : IClassFixture<PostgresContractDatabase>
{
    private PostgresContractStore Store => new(database);

    [Fact]
    public async Task FeatureFlag_NullIsEnabled_ThrowsUnknownValueNamingColumnAndRow()
    {
        var id = Guid.CreateVersion7();
        await ExecuteAsync("INSERT INTO feature_flags (id, key, is_enabled) VALUES ($1, $2, NULL)", id, "raw-" + id.ToString("N"));

        var ex = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => Store.FeatureFlags.GetAsync(new FeatureFlagId(id)));

        Assert.Equal(("feature_flags", "is_enabled", id.ToString("D")), (ex.Table, ex.Column, ex.RowKey));
    }

    [Fact]
    public async Task SystemConfig_NullIsSensitive_ThrowsWithoutTheValue()
    {
        var key = "raw." + Guid.NewGuid().ToString("N");
        await ExecuteAsync("INSERT INTO system_config (key, value, is_sensitive) VALUES ($1, '\"sk_live_hidden\"', NULL)", key);

        var ex = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => Store.SystemConfigs.GetAsync(key));

        Assert.Equal(("system_config", "is_sensitive", key), (ex.Table, ex.Column, ex.RowKey));
        Assert.DoesNotContain("sk_live_hidden", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserPreferences_NullUserId_ThrowsUnknownValue()
    {
        var id = Guid.CreateVersion7();
        await ExecuteAsync("INSERT INTO user_preferences (id, user_id) VALUES ($1, NULL)", id);

        var ex = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => Store.UserPreferences.GetAsync(new UserPreferencesId(id)));

        Assert.Equal(("user_preferences", "user_id", id.ToString("D")), (ex.Table, ex.Column, ex.RowKey));
    }

    [Fact]
    public async Task TenantConfig_AddressOfWrongShape_ThrowsUnknownValueWithRow()
    {
        var id = Guid.CreateVersion7();
        await Store.AddTenantAsync(new TenantId(id));
        await ExecuteAsync("INSERT INTO tenant_config (tenant_id, billing_address) VALUES ($1, '{\"line1\": 5}')", id);

        var ex = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => Store.TenantConfigs.GetAsync(new TenantId(id)));

        Assert.Equal(("tenant_config", "billing_address", id.ToString("D")), (ex.Table, ex.Column, ex.RowKey));
    }

    [Fact]
    public async Task TenantPolicies_NullStatus_ThrowsUnknownValue()
    {
        var id = Guid.CreateVersion7();
        await Store.AddTenantAsync(new TenantId(id));
        await ExecuteAsync("INSERT INTO tenant_policies (tenant_id, company_default_status) VALUES ($1, NULL)", id);

        var ex = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => Store.TenantPolicies.GetAsync(new TenantId(id)));

        Assert.Equal(("tenant_policies", "company_default_status", id.ToString("D")), (ex.Table, ex.Column, ex.RowKey));
    }

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }
}
