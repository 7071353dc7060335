namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// Starts in-memory units of work. A unit reads committed data, as in PostgreSQL. Its first write to a group of tables
/// joined by foreign keys (IP pools: VPS instances, SMTP IPs and assignments; staff; feature flags; system config;
/// tenant config; tenant policies; preferences) takes that group's lock until the unit ends: other writers to the group
/// wait, as they would wait for row locks in PostgreSQL, and writers to other groups do not. The unit writes a private
/// copy of the group's tables, so a rollback leaves no trace.
/// </summary>
/// <param name="store">The shared in-memory store.</param>
public sealed class InMemoryInfraUnitOfWorkFactory(InMemoryInfraStore store) : IInfraUnitOfWorkFactory
{
    private readonly InMemoryInfraStore _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <inheritdoc />
    public async Task<IInfraUnitOfWork> BeginAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new InMemoryInfraUnitOfWork(new UnitOfWorkSession(_store));
    }
}

internal sealed class InMemoryInfraUnitOfWork(UnitOfWorkSession session) : IInfraUnitOfWork
{
    private bool _ended;

    /// <summary>The store the unit works on (the IP pool allocator checks a unit belongs to its store).</summary>
    internal InMemoryInfraStore Store => session.Store;

    /// <summary>The unit's private state, for reads that bypass the repositories (the allocator's indexed pick).</summary>
    internal UnitOfWorkSession Session => session;

    public IVpsInstanceRepository VpsInstances => field ??= new InMemoryVpsInstanceRepository(session);

    public ISmtpIpAddressRepository SmtpIpAddresses => field ??= new InMemorySmtpIpAddressRepository(session);

    public IDomainIpAssignmentRepository DomainIpAssignments => field ??= new InMemoryDomainIpAssignmentRepository(session);

    public IStaffRoleRepository StaffRoles => field ??= new InMemoryStaffRoleRepository(session);

    public IPermissionRepository Permissions => field ??= new InMemoryPermissionRepository(session);

    public IStaffMemberRepository StaffMembers => field ??= new InMemoryStaffMemberRepository(session);

    public ISystemConfigRepository SystemConfigs => field ??= new InMemorySystemConfigRepository(session);

    public IFeatureFlagRepository FeatureFlags => field ??= new InMemoryFeatureFlagRepository(session);

    public IUserPreferencesRepository UserPreferences => field ??= new InMemoryUserPreferencesRepository(session);

    public ITenantConfigRepository TenantConfigs => field ??= new InMemoryTenantConfigRepository(session);

    public ITenantPoliciesRepository TenantPolicies => field ??= new InMemoryTenantPoliciesRepository(session);

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        EnsureLive();
        if (session.Aborted)
        {
            End(commit: false);
            throw new UnitOfWorkAbortedException(UnitOfWorkReasons.EarlierFailureNothingCommitted);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            // As on PostgreSQL: a commit cancelled before it is sent rolls the unit back.
            End(commit: false);
            throw new OperationCanceledException(cancellationToken);
        }

        End(commit: true);
    }

    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return;
        }

        // The rollback always happens; a cancelled token is reported afterwards.
        End(commit: false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    public ValueTask DisposeAsync()
    {
        if (!_ended)
        {
            End(commit: false);
        }

        return ValueTask.CompletedTask;
    }

    private void EnsureLive()
    {
        if (_ended)
        {
            throw new UnitOfWorkAbortedException(UnitOfWorkReasons.Ended);
        }
    }

    private void End(bool commit)
    {
        _ended = true;
        session.End();
        session.Store.End(session, commit);
    }
}
