using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Staff;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>
/// Rows only PostgreSQL can hold (the seed's columns are nullable, the entities require some of them): reading them is
/// an <see cref="UnknownDatabaseValueException"/> naming table, column and row, never a silent default. The in-memory
/// store cannot hold such rows, so this is not part of the shared contract.
/// </summary>
public sealed class PostgresStaffDatabaseValueTests(PostgresContractDatabase database) : IClassFixture<PostgresContractDatabase>
{
    private readonly NpgsqlDataSource _db = database.DataSource;

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var command = _db.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task StaffRole_NullName_ThrowsUnknownDatabaseValue()
    {
        await ExecuteAsync("INSERT INTO staff_roles (id, name) VALUES (900001, NULL)");

        var ex = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => new NpgsqlStaffRoleRepository(_db).GetAsync(new StaffRoleId(900001)));

        Assert.Equal(("staff_roles", "name", null, "900001"), (ex.Table, ex.Column, ex.Value, ex.RowKey));
    }

    [Fact]
    public async Task Permission_NullCategoryOrCreated_ThrowsUnknownDatabaseValue()
    {
        await ExecuteAsync("INSERT INTO permissions (id, name, category) VALUES (900002, 'test.null_category', NULL)");
        await ExecuteAsync("INSERT INTO permissions (id, name, created) VALUES (900003, 'test.null_created', NULL)");
        var repo = new NpgsqlPermissionRepository(_db);

        var category = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => repo.GetAsync(new PermissionId(900002)));
        var created = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => repo.GetByNameAsync("test.null_created"));

        Assert.Equal(("permissions", "category", "900002"), (category.Table, category.Column, category.RowKey));
        Assert.Equal(("permissions", "created", "900003"), (created.Table, created.Column, created.RowKey));
    }

    [Fact]
    public async Task PermissionNames_GrantedPermissionWithNullName_ThrowsRatherThanDropping()
    {
        var user = Guid.CreateVersion7();
        await ExecuteAsync("INSERT INTO users (id) VALUES ($1)", user);
        await ExecuteAsync("INSERT INTO staff_roles (id, name) VALUES (900004, 'null-name-holder')");
        await ExecuteAsync("INSERT INTO permissions (id, name) VALUES (900005, NULL)");
        await ExecuteAsync("INSERT INTO staff_role_permissions (role_id, permission_id) VALUES (900004, 900005)");
        await ExecuteAsync("INSERT INTO staff_members (user_id, role_id) VALUES ($1, 900004)", user);

        var ex = await Assert.ThrowsAsync<UnknownDatabaseValueException>(
            () => new NpgsqlStaffMemberRepository(_db).GetPermissionNamesAsync(new UserId(user))
        );

        Assert.Equal(("permissions", "name", "900005"), (ex.Table, ex.Column, ex.RowKey));
        await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => new NpgsqlStaffRoleRepository(_db).ListPermissionsAsync(new StaffRoleId(900004)));
    }

    [Fact]
    public async Task StaffMember_NullUpdated_ThrowsUnknownDatabaseValue()
    {
        var user = Guid.CreateVersion7();
        await ExecuteAsync("INSERT INTO users (id) VALUES ($1)", user);
        await ExecuteAsync("INSERT INTO staff_members (user_id, updated) VALUES ($1, NULL)", user);

        var ex = await Assert.ThrowsAsync<UnknownDatabaseValueException>(() => new NpgsqlStaffMemberRepository(_db).GetAsync(new UserId(user)));

        Assert.Equal(("staff_members", "updated", user.ToString("D")), (ex.Table, ex.Column, ex.RowKey));
    }
}
