namespace PenguinMails.Infrastructure.Core;

/// <summary>
/// Several repository operations in one transaction: all of them are committed by <see cref="CommitAsync"/>, or none
/// (<see cref="RollbackAsync"/>, or disposing without committing). Obtain one from <see cref="IInfraUnitOfWorkFactory"/>.
/// </summary>
/// <remarks>
/// After an operation fails in the database (a duplicate key, a missing reference), the transaction is aborted, as
/// PostgreSQL aborts it: later operations throw <see cref="UnitOfWorkAbortedException"/> and the unit can only be
/// rolled back. Errors found before the database is reached (validation, lifecycle) and lost compare-and-set races
/// do not abort it. Not thread-safe: use a unit of work from one flow at a time.
/// </remarks>
public interface IInfraUnitOfWork : IAsyncDisposable
{
    /// <summary>The VPS instances, inside this unit.</summary>
    IVpsInstanceRepository VpsInstances { get; }

    /// <summary>The SMTP IP addresses, inside this unit.</summary>
    ISmtpIpAddressRepository SmtpIpAddresses { get; }

    /// <summary>The domain-IP assignments, inside this unit.</summary>
    IDomainIpAssignmentRepository DomainIpAssignments { get; }

    /// <summary>The staff roles and their grants, inside this unit.</summary>
    IStaffRoleRepository StaffRoles { get; }

    /// <summary>The permissions, inside this unit.</summary>
    IPermissionRepository Permissions { get; }

    /// <summary>The staff members, inside this unit.</summary>
    IStaffMemberRepository StaffMembers { get; }

    /// <summary>The platform settings (<c>system_config</c>), inside this unit.</summary>
    ISystemConfigRepository SystemConfigs { get; }

    /// <summary>The feature flags, inside this unit.</summary>
    IFeatureFlagRepository FeatureFlags { get; }

    /// <summary>The users' preferences, inside this unit.</summary>
    IUserPreferencesRepository UserPreferences { get; }

    /// <summary>The tenants' configuration (<c>tenant_config</c>), inside this unit.</summary>
    ITenantConfigRepository TenantConfigs { get; }

    /// <summary>The tenants' policies (<c>tenant_policies</c>), inside this unit.</summary>
    ITenantPoliciesRepository TenantPolicies { get; }

    /// <summary>Commits every operation of the unit.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="UnitOfWorkAbortedException">An operation failed in the database; roll back instead.</exception>
    Task CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>Discards every operation of the unit.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task RollbackAsync(CancellationToken cancellationToken = default);
}
