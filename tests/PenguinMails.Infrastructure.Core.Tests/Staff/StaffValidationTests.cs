using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.Tests.Seed;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Staff;

public sealed class StaffValidationTests
{
    private static StaffMember ValidMember() => new() { UserId = UserId.New(), RoleId = new StaffRoleId(1), Notes = "On call\nweekends" };

    private static StaffRole ValidRole() => new() { Id = new StaffRoleId(1), Name = "Support Engineer", Description = "Handles\ntickets" };

    private static Permission ValidPermission() => new() { Id = new PermissionId(10), Name = "vps.read" };

    private static StaffRolePermission ValidGrant() => new() { RoleId = new StaffRoleId(1), PermissionId = new PermissionId(10) };

    [Fact]
    public void Validate_ValidEntities_HaveNoErrors()
    {
        Assert.Empty(ValidMember().Validate());
        Assert.Empty((ValidMember() with { RoleId = null, Notes = null }).Validate());
        Assert.Empty(ValidRole().Validate());
        Assert.Empty(ValidPermission().Validate());
        Assert.Empty(ValidGrant().Validate());
    }

    [Fact]
    public void Permission_Defaults_MatchSeedDefaultClauses()
    {
        var permission = ValidPermission();

        Assert.Equal(SeedContract.DefaultOf(Permission.TableName, "category"), SqlLiteral.Of(permission.Category));
        Assert.Equal(Permission.DefaultCategory, permission.Category);
    }

    [Fact]
    public void TableNames_MatchSeedTables()
    {
        foreach (var table in new[] { StaffMember.TableName, StaffRole.TableName, Permission.TableName, StaffRolePermission.TableName })
        {
            Assert.Contains($"CREATE TABLE {table} (", SeedContract.SeedSql, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, Func<IValidatableEntity>, string, string> Failing() =>
        new()
        {
            { "member empty user", () => ValidMember() with { UserId = default }, "user_id", "not_empty" },
            { "member role 0", () => ValidMember() with { RoleId = new StaffRoleId(0) }, "role_id", "positive" },
            { "member role negative", () => ValidMember() with { RoleId = new StaffRoleId(-3) }, "role_id", "positive" },
            { "member notes NUL", () => ValidMember() with { Notes = "a\0b" }, "notes", "no_nul" },
            { "role id 0", () => ValidRole() with { Id = new StaffRoleId(0) }, "id", "positive" },
            { "role name null", () => ValidRole() with { Name = null! }, "name", "required" },
            { "role name blank", () => ValidRole() with { Name = "  " }, "name", "required" },
            { "role name 51", () => ValidRole() with { Name = new string('r', 51) }, "name", "max_length" },
            { "role name newline", () => ValidRole() with { Name = "Support\nEngineer" }, "name", "no_control" },
            { "role description surrogate", () => ValidRole() with { Description = "x\uDC00" }, "description", "utf16" },
            { "permission id 0", () => ValidPermission() with { Id = new PermissionId(0) }, "id", "positive" },
            { "permission name null", () => ValidPermission() with { Name = null! }, "name", "required" },
            { "permission name upper", () => ValidPermission() with { Name = "VPS.read" }, "name", "permission_name" },
            { "permission name empty segment", () => ValidPermission() with { Name = "vps..read" }, "name", "permission_name" },
            { "permission name trailing dot", () => ValidPermission() with { Name = "vps.read." }, "name", "permission_name" },
            { "permission name digit start", () => ValidPermission() with { Name = "1vps.read" }, "name", "permission_name" },
            { "permission segment digit start", () => ValidPermission() with { Name = "vps.2read" }, "name", "permission_name" },
            { "permission name space", () => ValidPermission() with { Name = "vps read" }, "name", "permission_name" },
            { "permission name 101", () => ValidPermission() with { Name = new string('p', 101) }, "name", "max_length" },
            { "permission description NUL", () => ValidPermission() with { Description = "\0" }, "description", "no_nul" },
            { "permission category null", () => ValidPermission() with { Category = null! }, "category", "required" },
            { "permission category 51", () => ValidPermission() with { Category = new string('c', 51) }, "category", "max_length" },
            { "permission category tab", () => ValidPermission() with { Category = "a\tb" }, "category", "no_control" },
            { "grant role 0", () => ValidGrant() with { RoleId = new StaffRoleId(0) }, "role_id", "positive" },
            { "grant permission 0", () => ValidGrant() with { PermissionId = new PermissionId(-1) }, "permission_id", "positive" },
        };

    [Theory]
    [MemberData(nameof(Failing))]
    public void Validate_BadValue_ReportsFieldAndRule(string _, Func<IValidatableEntity> make, string field, string rule)
    {
        var error = Assert.Single(make().Validate());

        Assert.Equal(field, error.Field);
        Assert.Equal(rule, error.Rule);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<IValidatableEntity>> Passing() =>
        new()
        {
            { "role id max", () => ValidRole() with { Id = new StaffRoleId(int.MaxValue) } },
            { "role name 50", () => ValidRole() with { Name = new string('r', 50) } },
            { "role name 50 astral", () => ValidRole() with { Name = string.Concat(Enumerable.Repeat("\U0001F427", 50)) } },
            { "permission single segment", () => ValidPermission() with { Name = "admin" } },
            { "permission with digits, _ and -", () => ValidPermission() with { Name = "feature_flags.write-all.v2" } },
            { "permission name 100", () => ValidPermission() with { Name = "p" + new string('x', 99) } },
            { "permission category 50", () => ValidPermission() with { Category = new string('c', 50) } },
            { "permission id 1", () => ValidPermission() with { Id = new PermissionId(1) } },
            { "member role 1", () => ValidMember() with { RoleId = new StaffRoleId(1) } },
            { "grant ids 1", () => new StaffRolePermission { RoleId = new StaffRoleId(1), PermissionId = new PermissionId(1) } },
        };

    [Theory]
    [MemberData(nameof(Passing))]
    public void Validate_EdgeValue_IsAccepted(string _, Func<IValidatableEntity> make)
    {
        Assert.Empty(make().Validate());
    }

    [Theory]
    [InlineData("vps.read", true)]
    [InlineData("a", true)]
    [InlineData("staff_roles.manage-all", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("Vps.read", false)]
    [InlineData(".vps", false)]
    [InlineData("vps.read\n", false)]
    public void IsValidName_Candidate_MatchesRule(string? name, bool expected)
    {
        Assert.Equal(expected, Permission.IsValidName(name));
    }

    [Fact]
    public void Validate_PermissionNameWithTrailingLineFeed_FailsPatternAndSingleLine()
    {
        var errors = (ValidPermission() with { Name = "vps.read\n" }).Validate();

        Assert.Equal([("name", "no_control"), ("name", "permission_name")], errors.Select(e => (e.Field, e.Rule)));
    }

    [Fact]
    public void IsValidName_101Characters_IsFalse()
    {
        Assert.False(Permission.IsValidName(new string('p', 101)));
        Assert.True(Permission.IsValidName(new string('p', 100)));
    }

    [Fact]
    public void EnsureValid_SeveralBadFields_ListsEveryOne()
    {
        var bad = new StaffRole { Id = new StaffRoleId(0), Name = new string('n', 60) };

        var ex = Assert.Throws<EntityValidationException>(() => EntityValidation.EnsureValid(bad));

        Assert.Equal("StaffRole", ex.Entity);
        Assert.Equal(["id", "name"], ex.Errors.Select(e => e.Field));
    }

    [Fact]
    public void Ids_ToString_AreInvariantDigits()
    {
        Assert.Equal("42", new StaffRoleId(42).ToString());
        Assert.Equal("-7", new PermissionId(-7).ToString());
    }
}
