using PenguinMails.Infrastructure.Core.Staff;

namespace PenguinMails.Infrastructure.Core.Tests.Staff;

public sealed class PermissionSnapshotTests
{
    private static readonly StaffRoleId Ops = new(10);
    private static readonly StaffRoleId Empty = new(11);
    private static readonly UserId Alice = new(Guid.Parse("0190a000-0000-7000-8000-000000000001"));
    private static readonly UserId Bob = new(Guid.Parse("0190a000-0000-7000-8000-000000000002"));
    private static readonly UserId Carol = new(Guid.Parse("0190a000-0000-7000-8000-000000000003"));
    private static readonly UserId Stranger = new(Guid.Parse("0190a000-0000-7000-8000-000000000004"));

    private static PermissionSnapshot Build() =>
        PermissionSnapshot.Create(
            [new StaffMember { UserId = Alice, RoleId = Ops }, new StaffMember { UserId = Bob }, new StaffMember { UserId = Carol, RoleId = Empty }],
            new Dictionary<StaffRoleId, IEnumerable<string>> { [Ops] = [WellKnownPermissions.VpsRead, WellKnownPermissions.StaffManage], [Empty] = [] }
        );

    [Fact]
    public void Has_RoleGrantsPermission_Allowed()
    {
        Assert.True(Build().Has(Alice, WellKnownPermissions.VpsRead));
        Assert.True(Build().Has(Alice, WellKnownPermissions.StaffManage));
    }

    [Fact]
    public void Has_NoStaffRow_Denied() => Assert.False(Build().Has(Stranger, WellKnownPermissions.VpsRead));

    [Fact]
    public void Has_StaffMemberWithoutRole_Denied() => Assert.False(Build().Has(Bob, WellKnownPermissions.VpsRead));

    [Fact]
    public void Has_RoleWithoutThePermission_Denied()
    {
        Assert.False(Build().Has(Carol, WellKnownPermissions.VpsRead));
        Assert.False(Build().Has(Alice, WellKnownPermissions.VpsManage));
    }

    [Theory]
    [InlineData("VPS.READ")]
    [InlineData("vps.read ")]
    [InlineData("")]
    public void Has_NameDiffersInCaseOrSpace_Denied(string permission) => Assert.False(Build().Has(Alice, permission));

    [Fact]
    public void Has_RoleMissingFromGrants_Denied()
    {
        var snapshot = PermissionSnapshot.Create([new StaffMember { UserId = Alice, RoleId = new StaffRoleId(99) }], new Dictionary<StaffRoleId, IEnumerable<string>>());
        Assert.False(snapshot.Has(Alice, WellKnownPermissions.VpsRead));
    }

    [Fact]
    public void Empty_AnyUser_Denied() => Assert.False(PermissionSnapshot.Empty.Has(Alice, WellKnownPermissions.VpsRead));

    [Fact]
    public void AnyoneHas_OnlyWhenAMemberHoldsIt_True()
    {
        Assert.True(Build().AnyoneHas(WellKnownPermissions.StaffManage));
        Assert.False(Build().AnyoneHas(WellKnownPermissions.SystemConfigManage));
    }

    [Fact]
    public void RoleOf_MemberWithoutRole_Null()
    {
        Assert.Equal(Ops, Build().RoleOf(Alice));
        Assert.Null(Build().RoleOf(Bob));
        Assert.Null(Build().RoleOf(Stranger));
        Assert.Equal(2, Build().MemberCount);
    }

    [Fact]
    public void Create_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => PermissionSnapshot.Create(null!, new Dictionary<StaffRoleId, IEnumerable<string>>()));
        Assert.Throws<ArgumentNullException>(() => PermissionSnapshot.Create([], null!));
    }

    [Fact]
    public void Has_NullPermission_Denied() => Assert.False(Build().Has(Alice, null!));

    [Fact]
    public void AnyoneHas_OnlyRolesWithoutGrantsOrWithoutIt_False()
    {
        var snapshot = PermissionSnapshot.Create(
            [new StaffMember { UserId = Carol, RoleId = Empty }, new StaffMember { UserId = Bob, RoleId = new StaffRoleId(99) }],
            new Dictionary<StaffRoleId, IEnumerable<string>> { [Empty] = [], [Ops] = [WellKnownPermissions.VpsRead] }
        );

        Assert.False(snapshot.AnyoneHas(WellKnownPermissions.VpsRead));
        Assert.Equal(0, PermissionSnapshot.Empty.MemberCount);
    }

    [Fact]
    public void Create_MemberListedTwice_LastRoleWins()
    {
        var snapshot = PermissionSnapshot.Create(
            [new StaffMember { UserId = Alice, RoleId = Empty }, new StaffMember { UserId = Alice, RoleId = Ops }],
            new Dictionary<StaffRoleId, IEnumerable<string>> { [Ops] = [WellKnownPermissions.VpsRead], [Empty] = [] }
        );

        Assert.True(snapshot.Has(Alice, WellKnownPermissions.VpsRead));
        Assert.Equal(1, snapshot.MemberCount);
    }
}
