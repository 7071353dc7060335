using System.Collections.Frozen;

namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>
/// The in-memory implementation of <see cref="IStaffMemberRepository"/>, behaving like the PostgreSQL one. Register the
/// users staff members refer to with <see cref="InMemoryInfraStore.AddUser"/>.
/// </summary>
public sealed class InMemoryStaffMemberRepository : IStaffMemberRepository, IChangeFeedSource
{
    InfraChangeFeed? IChangeFeedSource.ChangeFeed => _session.Store.Changes;

    private const string Entity = nameof(StaffMember);
    private readonly StateSession _session;

    /// <summary>Initializes a repository over <paramref name="store"/>.</summary>
    /// <param name="store">The shared in-memory store.</param>
    public InMemoryStaffMemberRepository(InMemoryInfraStore store)
        : this(new AutoCommitSession(store ?? throw new ArgumentNullException(nameof(store)))) { }

    internal InMemoryStaffMemberRepository(StateSession session)
    {
        _session = session;
    }

    /// <inheritdoc />
    public async Task<StaffMember?> GetAsync(UserId userId, CancellationToken cancellationToken = default)
    {
        return await _session.GetAsync(InMemoryStaffTables.Members, userId.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<StaffMember>> ListAsync(StaffMemberFilter? filter = null, PageRequest? page = null, CancellationToken cancellationToken = default) =>
        await InMemoryRows.PageByUuidAsync(_session, page, after => Matching(filter, after), static x => x.UserId.Value, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long> CountAsync(StaffMemberFilter? filter = null, CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        return (long)Matching(filter).Count();
    }

    /// <inheritdoc />
    public async Task<StaffMember> AddAsync(StaffMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        EntityValidation.EnsureValid(member);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(InMemoryStaffTables.Members);
                if (table.ContainsKey(member.UserId.Value))
                {
                    throw new DuplicateEntityException(Entity, "primary key");
                }

                // PostgreSQL checks the foreign keys in the order they were declared: user_id, then role_id.
                if (!state.HasHost(HostTable.Users, member.UserId.Value))
                {
                    throw new ReferencedEntityMissingException(Entity, "user_id", "users");
                }

                EnsureRoleExists(state, member.RoleId);
                var stored = member with { Created = now, Updated = now };
                return (state.With(InMemoryStaffTables.Members, table.Add(member.UserId.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StaffMember> UpdateAsync(StaffMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        EntityValidation.EnsureValid(member);
        var now = StoreClock.Now(_session.Time);
        return await _session.WriteAsync(
            state =>
            {
                var table = state.Table(InMemoryStaffTables.Members);
                var actual = table.GetValueOrDefault(member.UserId.Value) ?? throw new EntityNotFoundException(Entity, member.UserId.ToString());
                InMemoryRows.EnsureNotUpdatedSince(actual.Updated, member.Updated, Entity, member.UserId.ToString());

                if (member.RoleId != actual.RoleId)
                {
                    EnsureRoleExists(state, member.RoleId);
                }

                var stored = actual with
                {
                    RoleId = member.RoleId,
                    Notes = member.Notes,
                    Updated = StoreClock.NextUpdated(now, actual.Updated),
                };
                return (state.With(InMemoryStaffTables.Members, table.SetItem(member.UserId.Value, stored)), stored);
            },
            cancellationToken
        ).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(UserId userId, CancellationToken cancellationToken = default) =>
        await _session.DeleteAsync(InMemoryStaffTables.Members, userId.Value, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> GetPermissionNamesAsync(UserId userId, CancellationToken cancellationToken = default)
    {
        _session.Enter(cancellationToken);
        var state = _session.Read();
        if (state.Table(InMemoryStaffTables.Members).GetValueOrDefault(userId.Value)?.RoleId is not { } roleId)
        {
            return FrozenSet<string>.Empty;
        }

        var permissions = InMemoryStaffTables.Permissions(state, _session.Store);
        var names = state
            .Table(InMemoryStaffTables.Grants)
            .Keys.Where(k => k.RoleId == roleId.Value)
            .Select(k => permissions[k.PermissionId].Name)
            .ToList();
        return names.Count == 0 ? FrozenSet<string>.Empty : names.ToFrozenSet(StringComparer.Ordinal);
    }

    private static void EnsureRoleExists(StoreState state, StaffRoleId? roleId)
    {
        if (roleId is { } id && !state.Table(InMemoryStaffTables.Roles).ContainsKey(id.Value))
        {
            throw new ReferencedEntityMissingException(Entity, "role_id", StaffRole.TableName);
        }
    }

    private IEnumerable<StaffMember> Matching(StaffMemberFilter? filter, Guid? after = null) =>
        InMemoryRows.After(_session.Read().Table(InMemoryStaffTables.Members), null, after).Where(m => filter?.RoleId is null || m.RoleId == filter.RoleId);
}
