using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PenguinMails.Infrastructure.Core.Replicas;

namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>The package's <see cref="IStaffAdministration"/>, over the Staff repositories and the cached checker.</summary>
public sealed class StaffAdministration : IStaffAdministration
{
    /// <summary>The name of the role <see cref="BootstrapAdministratorAsync"/> creates or reuses.</summary>
    public const string AdministratorRoleName = "administrator";

    private readonly IStaffMemberRepository _members;
    private readonly IStaffRoleRepository _roles;
    private readonly IPermissionRepository _permissions;
    private readonly CachedPermissionChecker _checker;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="members">Writes <c>staff_members</c>.</param>
    /// <param name="roles">Writes <c>staff_roles</c> and grants.</param>
    /// <param name="permissions">Reads <c>permissions</c>.</param>
    /// <param name="checker">The checker to consult and invalidate.</param>
    /// <param name="logger">The audit logger; none when null.</param>
    public StaffAdministration(
        IStaffMemberRepository members,
        IStaffRoleRepository roles,
        IPermissionRepository permissions,
        CachedPermissionChecker checker,
        ILogger<StaffAdministration>? logger = null
    )
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(permissions);
        ArgumentNullException.ThrowIfNull(checker);
        _members = members;
        _roles = roles;
        _permissions = permissions;
        _checker = checker;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<StaffRole> CreateRoleAsync(UserId actor, StaffRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(role);
        await AuthorizeAsync(actor, "create_role", cancellationToken).ConfigureAwait(false);
        var stored = await _roles.AddAsync(role, cancellationToken).ConfigureAwait(false);
        Changed(actor, "create_role", "role " + stored.Id);
        return stored;
    }

    /// <inheritdoc />
    public async Task<bool> GrantAsync(UserId actor, StaffRoleId roleId, string permission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(permission);
        await AuthorizeAsync(actor, "grant", cancellationToken).ConfigureAwait(false);
        var found = await FindPermissionAsync(permission, cancellationToken).ConfigureAwait(false);
        var added = await _roles.GrantAsync(roleId, found.Id, cancellationToken).ConfigureAwait(false);
        Changed(actor, "grant", $"role {roleId} permission {found.Name}");
        return added;
    }

    /// <inheritdoc />
    public async Task<bool> RevokeAsync(UserId actor, StaffRoleId roleId, string permission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(permission);
        await AuthorizeAsync(actor, "revoke", cancellationToken).ConfigureAwait(false);
        var found = await FindPermissionAsync(permission, cancellationToken).ConfigureAwait(false);
        var removed = await _roles.RevokeAsync(roleId, found.Id, cancellationToken).ConfigureAwait(false);
        Changed(actor, "revoke", $"role {roleId} permission {found.Name}");
        return removed;
    }

    /// <inheritdoc />
    public async Task<StaffMember> AssignAsync(UserId actor, UserId userId, StaffRoleId roleId, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(actor, "assign", cancellationToken).ConfigureAwait(false);
        var stored = await AssignCoreAsync(userId, roleId, cancellationToken).ConfigureAwait(false);
        Changed(actor, "assign", $"user {userId} role {roleId}");
        return stored;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(UserId actor, UserId userId, CancellationToken cancellationToken = default)
    {
        await AuthorizeAsync(actor, "remove", cancellationToken).ConfigureAwait(false);
        var removed = await _members.DeleteAsync(userId, cancellationToken).ConfigureAwait(false);
        Changed(actor, "remove", "user " + userId);
        return removed;
    }

    /// <inheritdoc />
    public async Task<StaffMember> BootstrapAdministratorAsync(UserId userId, StaffRoleId roleId, CancellationToken cancellationToken = default)
    {
        _checker.Invalidate();
        var snapshot = await _checker.GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (snapshot.AnyoneHas(WellKnownPermissions.StaffManage))
        {
            throw new InvalidOperationException("A staff member already holds 'staff.manage'; use the administration methods with an acting user instead of the bootstrap.");
        }

        var role = await _roles.GetByNameAsync(AdministratorRoleName, cancellationToken).ConfigureAwait(false)
            ?? await _roles.AddAsync(new StaffRole { Id = roleId, Name = AdministratorRoleName, Description = "Every permission; created by the bootstrap." }, cancellationToken).ConfigureAwait(false);
        var page = new PageRequest(PageRequest.MaxLimit);
        using var route = ReadRoute.Primary(); // the list feeds the grants below
        while (true)
        {
            var permissions = await _permissions.ListAsync(null, page, cancellationToken).ConfigureAwait(false);
            foreach (var permission in permissions.Items)
            {
                await _roles.GrantAsync(role.Id, permission.Id, cancellationToken).ConfigureAwait(false);
            }

            if (permissions.ContinuationToken is null)
            {
                break;
            }

            page = new PageRequest(PageRequest.MaxLimit, permissions.ContinuationToken);
        }

        var member = await AssignCoreAsync(userId, role.Id, cancellationToken).ConfigureAwait(false);
        StaffLog.AdministratorBootstrapped(_logger, userId, role.Id);
        return member;
    }

    private async Task<StaffMember> AssignCoreAsync(UserId userId, StaffRoleId roleId, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await _members.GetAsync(userId, cancellationToken).ConfigureAwait(false);
            return existing is null
                ? await _members.AddAsync(new StaffMember { UserId = userId, RoleId = roleId }, cancellationToken).ConfigureAwait(false)
                : await _members.UpdateAsync(existing with { RoleId = roleId }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _checker.Invalidate();
        }
    }

    private async Task AuthorizeAsync(UserId actor, string operation, CancellationToken cancellationToken)
    {
        if (!await _checker.HasPermissionAsync(actor, WellKnownPermissions.StaffManage, cancellationToken).ConfigureAwait(false))
        {
            StaffLog.AdministrationDenied(_logger, actor, operation, WellKnownPermissions.StaffManage);
            InfraTelemetry.PermissionDenied();
            throw new PermissionDeniedException(actor, WellKnownPermissions.StaffManage);
        }
    }

    private async Task<Permission> FindPermissionAsync(string name, CancellationToken cancellationToken) =>
        await _permissions.GetByNameAsync(name, cancellationToken).ConfigureAwait(false)
        ?? throw new EntityNotFoundException(nameof(Permission), name);

    private void Changed(UserId actor, string operation, string target)
    {
        _checker.Invalidate();
        StaffLog.AdministrationChange(_logger, actor, operation, target);
    }
}
