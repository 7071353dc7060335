using Npgsql;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Internal;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// A server that answers in another language translates to the same exceptions: the translation reads SQLSTATE, the
/// constraint and table names and the declared kind of statement, never the message text. The test kit's server is
/// started so that a session may choose German messages (<c>lc_messages = 'C.UTF-8'</c> with <c>LANGUAGE=de</c>).
/// </summary>
public sealed class LocalizedServerMessagesTests : IAsyncLifetime
{
    private FaultDatabase? _db;
    private NpgsqlDataSource? _german;

    private NpgsqlDataSource German => _german!;

    public async Task InitializeAsync()
    {
        _db = await FaultDatabase.CreateAsync("german");
        _german = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Options = "-c lc_messages=C.UTF-8" }.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_german is not null)
        {
            await _german.DisposeAsync();
        }

        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task TheServer_AnswersInGerman()
    {
        var ex = await Assert.ThrowsAsync<PostgresException>(() => RawAsync("SELECT 1 FROM no_such_table"));

        Assert.Equal(PostgresErrorCodes.UndefinedTable, ex.SqlState);
        Assert.Contains("existiert nicht", ex.MessageText, StringComparison.Ordinal);
        Assert.Equal("FEHLER", ex.Severity);
    }

    [PostgresFact]
    public async Task Repositories_ConstraintViolationsInGerman_TranslateAsInEnglish()
    {
        var vps = new NpgsqlVpsInstanceRepository(German);
        var stored = await vps.AddAsync(new VpsInstance { Region = "de" });
        var duplicate = await Assert.ThrowsAsync<DuplicateEntityException>(() => vps.AddAsync(new VpsInstance { Id = stored.Id, Region = "de" }));

        var missing = await Assert.ThrowsAsync<ReferencedEntityMissingException>(
            () => new NpgsqlFeatureFlagRepository(German).AddAsync(new FeatureFlag { Key = "de-" + Guid.NewGuid().ToString("N")[..8], UpdatedBy = UserId.New() }));

        var permissions = new NpgsqlPermissionRepository(German);
        var roles = new NpgsqlStaffRoleRepository(German);
        var permission = await permissions.AddAsync(new Permission { Id = new PermissionId(90_001), Name = "de.test", Category = "de" });
        var role = await roles.AddAsync(new StaffRole { Id = new StaffRoleId(90_001), Name = "de-role" });
        await roles.GrantAsync(role.Id, permission.Id);
        var inUse = await Assert.ThrowsAsync<EntityInUseException>(() => permissions.DeleteAsync(permission.Id));

        // The driver's exceptions really carry German text.
        Assert.Contains("Schlüssel", ((PostgresException)duplicate.InnerException!).MessageText, StringComparison.Ordinal);
        Assert.Contains("verletzt", ((PostgresException)missing.InnerException!).MessageText, StringComparison.Ordinal);
        Assert.Contains("verletzt", ((PostgresException)inUse.InnerException!).MessageText, StringComparison.Ordinal);
        Assert.Equal("updated_by", missing.Field);
        Assert.Equal("staff_role_permissions", inUse.ReferencingTable);
    }

    [PostgresFact]
    public async Task Executor_CheckNotNullAndTruncationInGerman_AreValidationErrors()
    {
        var db = new PgExecutor(German, "public");

        var check = await Assert.ThrowsAsync<EntityValidationException>(
            () => WriteAsync(db, "INSERT INTO public.vps_instances (id, status) VALUES (gen_random_uuid(), 'exploded')"));
        var notNull = await Assert.ThrowsAsync<EntityValidationException>(
            () => WriteAsync(db, "INSERT INTO public.feature_flags (id, key) VALUES (gen_random_uuid(), NULL)"));
        var truncated = await Assert.ThrowsAsync<EntityValidationException>(
            () => WriteAsync(db, "INSERT INTO public.vps_instances (id, region) VALUES (gen_random_uuid(), repeat('x', 500))"));

        Assert.Equal("check", Assert.Single(check.Errors).Rule);
        Assert.Equal("required", Assert.Single(notNull.Errors).Rule);
        Assert.Equal("database_type", Assert.Single(truncated.Errors).Rule);
        Assert.All(
            [check, notNull, truncated],
            e => Assert.Equal("FEHLER", ((PostgresException)e.InnerException!).Severity));
    }

    private static Task<int> WriteAsync(PgExecutor db, string sql) =>
        db.ExecuteAsync(Statement.Write, "Test", "x", sql, 0, static (_, _) => { }, static (_, _, _) => Task.FromResult(0), CancellationToken.None);

    private async Task RawAsync(string sql)
    {
        await using var command = German.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
