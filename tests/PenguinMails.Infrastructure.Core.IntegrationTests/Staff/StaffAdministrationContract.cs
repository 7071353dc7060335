using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Staff;

/// <summary>The checker and the administration service over each store.</summary>
public abstract class StaffAdministrationContract : StaffContractBase
{
    private readonly List<IDisposable> _owned = [];

    protected FakeLogger<StaffAdministration> AuditLog { get; } = new();

    /// <summary>Staff repositories reaching the same data through another connection pool (another process, on PostgreSQL).</summary>
    protected abstract Task<(IStaffMemberRepository Members, IStaffRoleRepository Roles)> OtherProcessRepositoriesAsync();

    /// <summary>Whether a checker over <see cref="OtherProcessRepositoriesAsync"/> sees a change before its time-to-live.</summary>
    protected virtual bool OtherCheckerSeesChangesAtOnce => false;

    protected CachedPermissionChecker NewChecker(IStaffMemberRepository? members = null, IStaffRoleRepository? roles = null, TimeSpan? ttl = null)
    {
        var checker = new CachedPermissionChecker(
            members ?? Store.StaffMembers,
            roles ?? Store.StaffRoles,
            new PermissionCacheOptions { TimeToLive = ttl ?? TimeSpan.FromSeconds(30), ListenForChanges = false },
            Store.Clock
        );
        _owned.Add(checker);
        return checker;
    }

    protected StaffAdministration NewAdministration(CachedPermissionChecker checker) =>
        new(Store.StaffMembers, Store.StaffRoles, Store.Permissions, checker, AuditLog);

    /// <summary>A user holding a fresh role granted <paramref name="permissions"/>.</summary>
    protected async Task<(UserId User, StaffRoleId Role)> NewStaffAsync(params string[] permissions)
    {
        var user = await NewUserAsync();
        var role = await Store.StaffRoles.AddAsync(NewRole());
        foreach (var name in permissions)
        {
            var permission = await Store.Permissions.GetByNameAsync(name);
            await Store.StaffRoles.GrantAsync(role.Id, permission!.Id);
        }

        await Store.StaffMembers.AddAsync(new StaffMember { UserId = user, RoleId = role.Id });
        return (user, role.Id);
    }

    [Fact]
    public async Task HasPermissionAsync_NoStaffRowNoRoleOrNoGrant_Denied()
    {
        var stranger = await NewUserAsync();
        var roleless = await NewUserAsync();
        await Store.StaffMembers.AddAsync(new StaffMember { UserId = roleless });
        var (reader, _) = await NewStaffAsync(WellKnownPermissions.VpsRead);
        var checker = NewChecker();

        Assert.False(await checker.HasPermissionAsync(stranger, WellKnownPermissions.VpsRead));
        Assert.False(await checker.HasPermissionAsync(roleless, WellKnownPermissions.VpsRead));
        Assert.False(await checker.HasPermissionAsync(reader, WellKnownPermissions.VpsManage));
        Assert.True(await checker.HasPermissionAsync(reader, WellKnownPermissions.VpsRead));
    }

    [Fact]
    public async Task Administration_WithoutStaffManage_EveryOperationDeniedLoggedAndChangesNothing()
    {
        var (actor, actorRole) = await NewStaffAsync(WellKnownPermissions.StaffRead);
        var target = await NewUserAsync();
        var admin = NewAdministration(NewChecker());
        var role = NewRole();

        await Assert.ThrowsAsync<PermissionDeniedException>(() => admin.CreateRoleAsync(actor, role));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => admin.GrantAsync(actor, actorRole, WellKnownPermissions.StaffManage));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => admin.RevokeAsync(actor, actorRole, WellKnownPermissions.StaffRead));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => admin.AssignAsync(actor, target, actorRole));
        var ex = await Assert.ThrowsAsync<PermissionDeniedException>(() => admin.RemoveAsync(actor, actor));

        Assert.Equal(WellKnownPermissions.StaffManage, ex.Permission);
        Assert.Null(await Store.StaffRoles.GetAsync(role.Id));
        Assert.Equal([WellKnownPermissions.StaffRead], (await Store.StaffRoles.ListPermissionsAsync(actorRole)).Select(p => p.Name));
        Assert.Null(await Store.StaffMembers.GetAsync(target));
        Assert.NotNull(await Store.StaffMembers.GetAsync(actor));
        var denials = AuditLog.Entries.Where(e => e.EventId.Id == PenguinMailsInfraEventIds.StaffAdministrationDenied).ToList();
        Assert.Equal(["create_role", "grant", "revoke", "assign", "remove"], denials.Select(d => d.Message.Split(' ')[6]));
        Assert.All(denials, d => Assert.Contains(actor.ToString(), d.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Administration_WithStaffManage_ChangesTakeEffectAtOnceInProcess()
    {
        var (admin, _) = await NewStaffAsync(WellKnownPermissions.StaffManage);
        var user = await NewUserAsync();
        var checker = NewChecker();
        var service = NewAdministration(checker);
        Assert.False(await checker.HasPermissionAsync(user, WellKnownPermissions.VpsRead));

        var role = await service.CreateRoleAsync(admin, NewRole());
        Assert.True(await service.GrantAsync(admin, role.Id, WellKnownPermissions.VpsRead));
        Assert.False(await service.GrantAsync(admin, role.Id, WellKnownPermissions.VpsRead));
        var member = await service.AssignAsync(admin, user, role.Id);
        Assert.Equal(role.Id, member.RoleId);
        Assert.True(await checker.HasPermissionAsync(user, WellKnownPermissions.VpsRead));

        Assert.True(await service.RevokeAsync(admin, role.Id, WellKnownPermissions.VpsRead));
        Assert.False(await checker.HasPermissionAsync(user, WellKnownPermissions.VpsRead));

        await service.GrantAsync(admin, role.Id, WellKnownPermissions.VpsRead);
        Assert.True(await checker.HasPermissionAsync(user, WellKnownPermissions.VpsRead));
        Assert.True(await service.RemoveAsync(admin, user));
        Assert.False(await checker.HasPermissionAsync(user, WellKnownPermissions.VpsRead));
        Assert.False(await service.RemoveAsync(admin, user));
        Assert.Contains(AuditLog.Entries, e => e.EventId.Id == PenguinMailsInfraEventIds.StaffAdministrationChange && e.Message.Contains("revoke", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AssignAsync_ExistingStaffMember_MovesToTheNewRole()
    {
        var (admin, _) = await NewStaffAsync(WellKnownPermissions.StaffManage);
        var (user, _) = await NewStaffAsync(WellKnownPermissions.VpsRead);
        var (_, managerRole) = await NewStaffAsync(WellKnownPermissions.VpsManage);
        var checker = NewChecker();
        var service = NewAdministration(checker);
        Assert.True(await checker.HasPermissionAsync(user, WellKnownPermissions.VpsRead));

        await service.AssignAsync(admin, user, managerRole);

        Assert.False(await checker.HasPermissionAsync(user, WellKnownPermissions.VpsRead));
        Assert.True(await checker.HasPermissionAsync(user, WellKnownPermissions.VpsManage));
    }

    [Fact]
    public async Task GrantAsync_UnknownPermission_ThrowsNotFound()
    {
        var (admin, role) = await NewStaffAsync(WellKnownPermissions.StaffManage);
        var service = NewAdministration(NewChecker());
        var ex = await Assert.ThrowsAsync<EntityNotFoundException>(() => service.GrantAsync(admin, role, "no.such_permission"));
        Assert.Contains("no.such_permission", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HasPermissionAsync_RevokedInAnotherProcessWithoutListen_DeniedOnceTheTimeToLiveElapses()
    {
        var (admin, _) = await NewStaffAsync(WellKnownPermissions.StaffManage);
        var (user, role) = await NewStaffAsync(WellKnownPermissions.VpsRead);
        var writer = NewAdministration(NewChecker());
        var (members, roles) = await OtherProcessRepositoriesAsync();
        var other = NewChecker(members, roles, TimeSpan.FromSeconds(30));
        Assert.True(await other.HasPermissionAsync(user, WellKnownPermissions.VpsRead));

        await writer.RevokeAsync(admin, role, WellKnownPermissions.VpsRead);

        Store.Clock.Advance(TimeSpan.FromSeconds(29.9));
        // Within the bound the other process may still be stale: on PostgreSQL without LISTEN it is; in memory there is
        // no other process, and the store tells every checker over it at once.
        Assert.Equal(!OtherCheckerSeesChangesAtOnce, await other.HasPermissionAsync(user, WellKnownPermissions.VpsRead));
        Store.Clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(await other.HasPermissionAsync(user, WellKnownPermissions.VpsRead)); // at the bound: revoked
    }

    public override async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await base.DisposeAsync();
    }
}

public sealed class InMemoryStaffAdministrationTests : StaffAdministrationContract
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());

    // The in-memory store lives in one process: a second checker over the same store stands for the other process.
    protected override Task<(IStaffMemberRepository Members, IStaffRoleRepository Roles)> OtherProcessRepositoriesAsync() =>
        Task.FromResult((Store.StaffMembers, Store.StaffRoles));

    protected override bool OtherCheckerSeesChangesAtOnce => true;
}

public sealed class PostgresStaffAdministrationTests(PostgresContractDatabase database)
    : StaffAdministrationContract,
        IClassFixture<PostgresContractDatabase>
{
    private NpgsqlDataSource? _other;

    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));

    protected override Task<(IStaffMemberRepository Members, IStaffRoleRepository Roles)> OtherProcessRepositoriesAsync()
    {
        _other = NpgsqlDataSource.Create(database.DataSource.ConnectionString);
        return Task.FromResult<(IStaffMemberRepository, IStaffRoleRepository)>(
            (new NpgsqlStaffMemberRepository(_other, SchemaName.Default, Store.Clock), new NpgsqlStaffRoleRepository(_other, SchemaName.Default, Store.Clock))
        );
    }

    public override async Task DisposeAsync()
    {
        if (_other is not null)
        {
            await _other.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

/// <summary>The provisioning bootstrap, on a store of its own (it needs nobody to hold staff.manage yet).</summary>
public sealed class InMemoryStaffBootstrapTests
{
    [Fact]
    public async Task BootstrapAdministratorAsync_FirstTime_GrantsEverythingThenRefuses()
    {
        var store = new InMemoryContractStore();
        var user = new UserId(Guid.CreateVersion7());
        await store.AddUserAsync(user);
        using var checker = new CachedPermissionChecker(store.StaffMembers, store.StaffRoles, timeProvider: store.Clock);
        var log = new FakeLogger<StaffAdministration>();
        var admin = new StaffAdministration(store.StaffMembers, store.StaffRoles, store.Permissions, checker, log);

        var member = await admin.BootstrapAdministratorAsync(user, new StaffRoleId(1));

        Assert.Equal(new StaffRoleId(1), member.RoleId);
        Assert.Equal(StaffAdministration.AdministratorRoleName, (await store.StaffRoles.GetAsync(new StaffRoleId(1)))!.Name);
        foreach (var permission in WellKnownPermissions.All)
        {
            Assert.True(await checker.HasPermissionAsync(user, permission.Name), permission.Name);
        }

        Assert.Contains(log.Entries, e => e.EventId.Id == PenguinMailsInfraEventIds.StaffAdministratorBootstrapped);
        await Assert.ThrowsAsync<InvalidOperationException>(() => admin.BootstrapAdministratorAsync(new UserId(Guid.CreateVersion7()), new StaffRoleId(1)));
    }
}
