namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>The groups of tables whose changes readers in this process must see at once.</summary>
[Flags]
internal enum ChangedAreas
{
    None = 0,

    /// <summary><c>feature_flags</c>: the flag snapshot.</summary>
    FeatureFlags = 1,

    /// <summary><c>staff_members</c>, <c>staff_roles</c>, <c>permissions</c>, <c>staff_role_permissions</c>: the permission cache.</summary>
    Staff = 2,
}

/// <summary>
/// What makes a change visible on the next call in this process, whichever repository, unit of work or service wrote it.
/// One per store: the in-memory store owns one; on PostgreSQL each registration (<c>AddPenguinMailsInfra</c>) has one,
/// which the repositories and units of work it creates report to after every committed write (other processes learn
/// of changes through <c>NOTIFY</c>).
/// </summary>
/// <remarks>
/// Readers compare versions: the permission cache reloads when <see cref="StaffVersion"/> moved since its load. The flag
/// snapshot reads <see cref="SynchronousFlags"/> again when <see cref="FlagsVersion"/> moved, where the store can be read
/// without I/O (in memory); otherwise (PostgreSQL) the writer awaits <c>afterFlagsChanged</c>, the registration's
/// snapshot reload (which creates the snapshot provider if nothing has asked for it yet), before its call returns.
/// </remarks>
internal sealed class InfraChangeFeed(Func<IReadOnlyList<FeatureFlag>>? synchronousFlags = null, Func<Task>? afterFlagsChanged = null)
{
    private long _flags;
    private long _staff;

    /// <summary>Reads every committed flag without I/O, or null when that is not possible (PostgreSQL).</summary>
    public Func<IReadOnlyList<FeatureFlag>>? SynchronousFlags { get; } = synchronousFlags;

    public long FlagsVersion => Volatile.Read(ref _flags);

    public long StaffVersion => Volatile.Read(ref _staff);

    /// <summary>Records a committed change (no I/O; the in-memory store calls it under its commit gate).</summary>
    public void Changed(ChangedAreas areas)
    {
        if ((areas & ChangedAreas.FeatureFlags) != 0)
        {
            Interlocked.Increment(ref _flags);
        }

        if ((areas & ChangedAreas.Staff) != 0)
        {
            Interlocked.Increment(ref _staff);
        }
    }

    /// <summary>Records a committed change and, when the flags changed, awaits the snapshot's reload.</summary>
    /// <remarks>Not cancellable: the write has happened, and this process must see it. The reload does not throw.</remarks>
    public async Task ChangedAsync(ChangedAreas areas)
    {
        Changed(areas);
        if ((areas & ChangedAreas.FeatureFlags) != 0 && afterFlagsChanged is not null)
        {
            await afterFlagsChanged().ConfigureAwait(false);
        }
    }
}

/// <summary>A repository that knows the change feed of its store (so that the snapshot and cache built over it find it).</summary>
internal interface IChangeFeedSource
{
    InfraChangeFeed? ChangeFeed { get; }
}
