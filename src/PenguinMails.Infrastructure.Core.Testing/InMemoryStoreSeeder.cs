using System.Globalization;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// Test data for an <see cref="InMemoryInfraStore"/> in one call per row: any entity in any status, with the host rows
/// (<c>users</c>, <c>tenants</c>, <c>domains</c>) it refers to created on demand. Obtain it from
/// <see cref="InMemoryInfraStore.Seed"/>.
/// </summary>
/// <remarks>
/// Every row goes through the store's repositories first, so it is validated and checked against the keys and
/// references exactly as a repository write would be (a seeded row is a row PostgreSQL would hold); only the status is
/// then set directly, so that a row can start in any status without walking its lifecycle (a VPS already
/// <c>active</c>, an IP already <c>warmed</c> or <c>burned</c>). The methods are synchronous: the store does no I/O.
/// Rows are stamped by the store's <see cref="TimeProvider"/>. Seeding waits, like any write, while a unit of work is
/// open on the store.
/// </remarks>
public sealed class InMemoryStoreSeeder
{
    private readonly InMemoryInfraStore _store;
    private int _ipCounter;

    internal InMemoryStoreSeeder(InMemoryInfraStore store)
    {
        _store = store;
    }

    /// <summary>Registers a new host user and returns its id.</summary>
    /// <returns>The id.</returns>
    public UserId User()
    {
        var user = UserId.New();
        _store.AddUser(user);
        return user;
    }

    /// <summary>Registers a new host tenant and returns its id.</summary>
    /// <returns>The id.</returns>
    public TenantId Tenant()
    {
        var tenant = TenantId.New();
        _store.AddTenant(tenant);
        return tenant;
    }

    /// <summary>Registers a new host domain owned by <paramref name="tenant"/> (a new tenant when null) and returns its id.</summary>
    /// <param name="tenant">The owning tenant; registered if it is not yet.</param>
    /// <returns>The id.</returns>
    public DomainId Domain(TenantId? tenant = null)
    {
        var owner = tenant ?? TenantId.New();
        _store.AddTenant(owner);
        var domain = DomainId.New();
        _store.AddDomain(domain, owner);
        return domain;
    }

    /// <summary>A VPS instance in <paramref name="status"/> (active by default).</summary>
    /// <param name="status">The status it starts in. Entering <c>scheduled_decommission</c> without a decommission time sets one 30 days ahead.</param>
    /// <param name="like">Its columns (id, region, costs, billing); a new instance with sample values when null.</param>
    /// <returns>The row as stored.</returns>
    public VpsInstance Vps(VpsInstanceStatus status = VpsInstanceStatus.Active, VpsInstance? like = null)
    {
        var template = like ?? new VpsInstance { IpAddress = NextIpv4(), Region = "us-east" };
        var stored = Run(new InMemoryVpsInstanceRepository(_store).AddAsync(template with { Status = VpsInstanceLifecycle.Definition.Initial, DecommissionScheduledFor = null }));
        var final = stored with
        {
            Status = status,
            DecommissionScheduledFor = status == VpsInstanceStatus.ScheduledDecommission
                ? StoreClock.Truncate(template.DecommissionScheduledFor ?? _store.TimeProvider.GetUtcNow().AddDays(30))
                : null,
        };
        return SetRow(InMemoryVpsInstanceRepository.Table, final.Id.Value, final);
    }

    /// <summary>An SMTP IP in <paramref name="status"/> (available by default), on <paramref name="vps"/>.</summary>
    /// <param name="vps">The VPS it belongs to, or null for a detached IP.</param>
    /// <param name="status">The status it starts in.</param>
    /// <param name="like">Its columns (address, reputation, cost); a new IP with the next address of 198.18.0.0/15 when null.</param>
    /// <returns>The row as stored.</returns>
    public SmtpIpAddress SmtpIp(VpsInstance? vps = null, SmtpIpAddressStatus status = SmtpIpAddressStatus.Available, SmtpIpAddress? like = null)
    {
        var template = (like ?? new SmtpIpAddress { IpAddress = NextIpv4() }) with { VpsInstanceId = vps?.Id ?? like?.VpsInstanceId };
        var stored = Run(new InMemorySmtpIpAddressRepository(_store).AddAsync(template with { Status = SmtpIpAddressLifecycle.Definition.Initial }));
        return SetRow(InMemorySmtpIpAddressRepository.Table, stored.Id.Value, stored with { Status = status });
    }

    /// <summary>An assignment of <paramref name="ip"/> to <paramref name="domain"/> (a new domain when null) in <paramref name="status"/>.</summary>
    /// <param name="ip">The IP.</param>
    /// <param name="domain">The domain; registered (with a new tenant) if it is not yet.</param>
    /// <param name="status">The status (active by default).</param>
    /// <param name="warmupState">The warmup state (warmed by default).</param>
    /// <param name="expires">When it expires, or null for never.</param>
    /// <returns>The row as stored.</returns>
    public DomainIpAssignment Assignment(
        SmtpIpAddress ip,
        DomainId? domain = null,
        DomainIpAssignmentStatus status = DomainIpAssignmentStatus.Active,
        WarmupState warmupState = WarmupState.Warmed,
        DateTimeOffset? expires = null
    )
    {
        ArgumentNullException.ThrowIfNull(ip);
        var target = domain ?? Domain();
        if (!_store.Committed.HasHost(HostTable.Domains, target.Value))
        {
            _store.AddDomain(target, Tenant());
        }

        var stored = Run(
            new InMemoryDomainIpAssignmentRepository(_store).AddAsync(new DomainIpAssignment { DomainId = target, SmtpIpAddressId = ip.Id, Expires = expires })
        );
        return SetRow(InMemoryDomainIpAssignmentRepository.Table, stored.Id.Value, stored with { Status = status, WarmupState = warmupState });
    }

    /// <summary>
    /// A staff role granted <paramref name="permissions"/> (names from the catalog, <see cref="WellKnownPermissions"/>,
    /// or new names, which are added to <c>permissions</c>).
    /// </summary>
    /// <param name="name">The role name.</param>
    /// <param name="permissions">The permission names to grant.</param>
    /// <returns>The role as stored.</returns>
    public StaffRole Role(string name, params string[] permissions)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(permissions);
        var roles = new InMemoryStaffRoleRepository(_store);
        var nextId = _store.Committed.Table(InMemoryStaffTables.Roles).Keys.DefaultIfEmpty(0).Max() + 1;
        var role = Run(roles.AddAsync(new StaffRole { Id = new StaffRoleId(nextId), Name = name }));
        foreach (var permission in permissions)
        {
            Run(roles.GrantAsync(role.Id, Permission(permission).Id));
        }

        return role;
    }

    /// <summary>The permission named <paramref name="name"/>: the catalog's row, or a new row in the <c>custom</c> category.</summary>
    /// <param name="name">The permission name.</param>
    /// <returns>The row as stored.</returns>
    public Permission Permission(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var repository = new InMemoryPermissionRepository(_store);
        if (Run(repository.GetByNameAsync(name)) is { } existing)
        {
            return existing;
        }

        var nextId = InMemoryStaffTables.Permissions(_store.Committed, _store).Keys.DefaultIfEmpty(0).Max() + 1;
        return Run(repository.AddAsync(new Permission { Id = new PermissionId(nextId), Name = name, Category = "custom" }));
    }

    /// <summary>A staff member (a new host user) whose role grants <paramref name="permissions"/>.</summary>
    /// <param name="permissions">The permission names (see <see cref="Role"/>).</param>
    /// <returns>The member as stored; its <see cref="Staff.StaffMember.UserId"/> is the user to check.</returns>
    public StaffMember StaffMember(params string[] permissions) => StaffMember(User(), permissions);

    /// <summary>Makes <paramref name="user"/> (registered if it is not yet) a staff member whose role grants <paramref name="permissions"/>.</summary>
    /// <param name="user">The user.</param>
    /// <param name="permissions">The permission names (see <see cref="Role"/>).</param>
    /// <returns>The member as stored.</returns>
    public StaffMember StaffMember(UserId user, params string[] permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        var role = Role("seeded-" + user.Value.ToString("N")[..12], permissions);
        return StaffMember(user, role);
    }

    /// <summary>Makes <paramref name="user"/> (registered if it is not yet) a staff member with <paramref name="role"/>.</summary>
    /// <param name="user">The user.</param>
    /// <param name="role">The role, or null for a member without one (who has no permission).</param>
    /// <returns>The member as stored.</returns>
    public StaffMember StaffMember(UserId user, StaffRole? role)
    {
        _store.AddUser(user);
        return Run(new InMemoryStaffMemberRepository(_store).AddAsync(new StaffMember { UserId = user, RoleId = role?.Id }));
    }

    /// <summary>A feature flag, enabled at <paramref name="rolloutPercentage"/> (100 by default).</summary>
    /// <param name="key">The flag key.</param>
    /// <param name="rolloutPercentage">0..100.</param>
    /// <param name="isEnabled">The kill switch; on by default.</param>
    /// <returns>The row as stored.</returns>
    public FeatureFlag FeatureFlag(string key, int rolloutPercentage = 100, bool isEnabled = true) =>
        Run(new InMemoryFeatureFlagRepository(_store).AddAsync(new FeatureFlag { Key = key, RolloutPercentage = rolloutPercentage, IsEnabled = isEnabled }));

    /// <summary>A <c>system_config</c> entry; a user it names as <c>updated_by</c> is registered.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The row as stored.</returns>
    public SystemConfigEntry SystemConfig(SystemConfigEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.UpdatedBy is { } user)
        {
            _store.AddUser(user);
        }

        return Run(new InMemorySystemConfigRepository(_store).AddAsync(entry));
    }

    /// <summary>The preferences of <paramref name="user"/> (a new host user when null), as <paramref name="like"/> sets them.</summary>
    /// <param name="user">The user; registered if it is not yet.</param>
    /// <param name="like">The preference columns; the defaults when null.</param>
    /// <returns>The row as stored.</returns>
    public UserPreferences UserPreferences(UserId? user = null, UserPreferences? like = null)
    {
        var owner = user ?? like?.UserId ?? User();
        _store.AddUser(owner);
        var row = like is null ? new UserPreferences { UserId = owner } : like with { UserId = owner };
        return Run(new InMemoryUserPreferencesRepository(_store).AddAsync(row));
    }

    /// <summary>The <c>tenant_config</c> of <paramref name="tenant"/> (a new host tenant when null), as <paramref name="like"/> sets it.</summary>
    /// <param name="tenant">The tenant; registered if it is not yet.</param>
    /// <param name="like">The columns; the defaults when null.</param>
    /// <returns>The row as stored.</returns>
    public TenantConfig TenantConfig(TenantId? tenant = null, TenantConfig? like = null)
    {
        var owner = tenant ?? like?.TenantId ?? Tenant();
        _store.AddTenant(owner);
        var row = like is null ? new TenantConfig { TenantId = owner } : like with { TenantId = owner };
        return Run(new InMemoryTenantConfigRepository(_store).AddAsync(row));
    }

    /// <summary>The <c>tenant_policies</c> of <paramref name="tenant"/> (a new host tenant when null), as <paramref name="like"/> sets them.</summary>
    /// <param name="tenant">The tenant; registered if it is not yet.</param>
    /// <param name="like">The columns; the defaults when null.</param>
    /// <returns>The row as stored.</returns>
    public TenantPolicies TenantPolicies(TenantId? tenant = null, TenantPolicies? like = null)
    {
        var owner = tenant ?? like?.TenantId ?? Tenant();
        _store.AddTenant(owner);
        var row = like is null ? new TenantPolicies { TenantId = owner } : like with { TenantId = owner };
        return Run(new InMemoryTenantPoliciesRepository(_store).AddAsync(row));
    }

    // The in-memory repositories complete synchronously (no I/O); waiting only happens behind an open unit of work,
    // bounded by the store's LockTimeout. GetResult rethrows the repository's own exception.
    private static T Run<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private T SetRow<T>(TableDef<Guid, T> table, Guid id, T row)
        where T : IValidatableEntity
    {
        EntityValidation.EnsureValid(row);
        _store.Mutate(state => state.With(table, state.Table(table).SetItem(id, row)));
        return row;
    }

    private string NextIpv4()
    {
        // 198.18.0.0/15, the benchmarking range: 131,072 addresses that are never real senders.
        var n = Interlocked.Increment(ref _ipCounter);
        return string.Create(CultureInfo.InvariantCulture, $"198.{18 + ((n >> 16) & 1)}.{(n >> 8) & 0xFF}.{n & 0xFF}");
    }
}
