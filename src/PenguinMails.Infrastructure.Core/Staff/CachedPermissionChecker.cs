using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PenguinMails.Infrastructure.Core.Replicas;

namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// The package's <see cref="IPermissionChecker"/>: answers from an immutable <see cref="PermissionSnapshot"/> held in
/// memory (O(1), no allocation, no database round trip per check), reloaded from the repositories when it is older than
/// <see cref="PermissionCacheOptions.TimeToLive"/> or after <see cref="Invalidate"/>.
/// </summary>
/// <remarks>
/// Freshness: a change committed through the repositories of the same store reloads the snapshot on the next check
/// (in memory: any repository or unit of work over the store; on PostgreSQL: those of the same
/// <c>AddPenguinMailsInfra</c> registration); <see cref="StaffAdministration"/> invalidates at once after each change; on PostgreSQL a listener
/// invalidates on every <c>NOTIFY penguinmails_infra</c> about a staff table (from any process); the time-to-live
/// bounds staleness when notifications are off or lost. A check that finds the snapshot stale waits for the reload; if
/// the reload fails the check throws (it never answers from an expired snapshot). On <see cref="TimeProvider.System"/>
/// the age is read from the coarse monotonic clock (<see cref="Environment.TickCount64"/>, cheaper than the wall clock on
/// every check), so a snapshot may expire up to 17 ms before the time-to-live, never after it; on any other
/// <see cref="TimeProvider"/> it expires exactly at the time-to-live on that provider's UTC time.
/// </remarks>
public sealed class CachedPermissionChecker : IPermissionChecker, IDisposable
{
    private readonly IStaffMemberRepository _members;
    private readonly IStaffRoleRepository _roles;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeToLive;
    private readonly bool _coarseClock;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly InfraChangeFeed? _feed;
    private volatile State? _state;
    private int _generation;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="members">Reads <c>staff_members</c>.</param>
    /// <param name="roles">Reads <c>staff_roles</c> and their grants.</param>
    /// <param name="options">The cache options (validated here).</param>
    /// <param name="timeProvider">The clock for the time-to-live; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public CachedPermissionChecker(
        IStaffMemberRepository members,
        IStaffRoleRepository roles,
        PermissionCacheOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<CachedPermissionChecker>? logger = null
    )
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(roles);
        options ??= new PermissionCacheOptions();
        var failures = options.Validate();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _members = members;
        _roles = roles;
        _time = timeProvider ?? TimeProvider.System;
        _timeToLive = options.TimeToLive;
        _coarseClock = ReferenceEquals(_time, TimeProvider.System);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _feed = (members as IChangeFeedSource)?.ChangeFeed;
    }

    /// <inheritdoc />
    public ValueTask<bool> HasPermissionAsync(UserId userId, string permission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(permission);
        var state = _state;
        return IsFresh(state) ? new ValueTask<bool>(state!.Snapshot.Has(userId, permission)) : SlowHasPermissionAsync(userId, permission, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask EnsurePermissionAsync(UserId userId, string permission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(permission);
        var state = _state;
        if (IsFresh(state))
        {
            if (state!.Snapshot.Has(userId, permission))
            {
                return default;
            }

            StaffLog.PermissionDenied(_logger, userId, permission);
            InfraTelemetry.PermissionDenied();
            return ValueTask.FromException(new PermissionDeniedException(userId, permission));
        }

        return SlowEnsureAsync(userId, permission, cancellationToken);
    }

    /// <summary>
    /// Marks the snapshot stale: the next check reloads it. Cheap and thread-safe; call it after writing staff tables
    /// through the repositories directly (the administration service and the PostgreSQL listener call it for you).
    /// </summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        StaffLog.CacheInvalidated(_logger, "explicit");
    }

    /// <summary>The current snapshot, reloading it first when it is stale.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A snapshot no older than the time-to-live and loaded after the last invalidation began.</returns>
    public async ValueTask<PermissionSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        var state = _state;
        return IsFresh(state) ? state!.Snapshot : await ReloadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases the reload lock.</summary>
    public void Dispose() => _reloadGate.Dispose();

    private bool IsFresh(State? state) =>
        state is not null
        && state.Generation == Volatile.Read(ref _generation)
        && state.StaffVersion == (_feed?.StaffVersion ?? 0)
        && Now() < state.ExpiresAt;

    // The freshness clock, read on every check. On the system clock: Environment.TickCount64, the coarse monotonic
    // millisecond clock (a memory read, where the wall clock costs a clock_gettime with a TSC read); its lag of at most
    // one timer tick is taken off the expiry (CoarseMarginMs), so a snapshot can expire a few milliseconds early, never
    // late. On any other TimeProvider (a test clock): its UTC time in ticks, exactly as before.
    private long Now() => _coarseClock ? Environment.TickCount64 : _time.GetUtcNow().UtcTicks;

    private long ExpiryFrom(long loadStarted) =>
        _coarseClock ? loadStarted + (long)_timeToLive.TotalMilliseconds - CoarseMarginMs : loadStarted + _timeToLive.Ticks;

    private async ValueTask<bool> SlowHasPermissionAsync(UserId userId, string permission, CancellationToken cancellationToken)
    {
        var snapshot = await ReloadAsync(cancellationToken).ConfigureAwait(false);
        return snapshot.Has(userId, permission);
    }

    private async ValueTask SlowEnsureAsync(UserId userId, string permission, CancellationToken cancellationToken)
    {
        var snapshot = await ReloadAsync(cancellationToken).ConfigureAwait(false);
        if (!snapshot.Has(userId, permission))
        {
            StaffLog.PermissionDenied(_logger, userId, permission);
            InfraTelemetry.PermissionDenied();
            throw new PermissionDeniedException(userId, permission);
        }
    }

    private async ValueTask<PermissionSnapshot> ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = _state;
            if (IsFresh(state))
            {
                return state!.Snapshot; // another caller reloaded while this one waited
            }

            // Read the generation and the clock before loading: an invalidation during the load leaves the new
            // snapshot stale at once, and the time-to-live counts from before the first read.
            var generation = Volatile.Read(ref _generation);
            var staffVersion = _feed?.StaffVersion ?? 0;
            var loadStarted = Now();
            var snapshot = await LoadAsync(cancellationToken).ConfigureAwait(false);
            _state = new State(snapshot, generation, staffVersion, ExpiryFrom(loadStarted));
            StaffLog.SnapshotLoaded(_logger, snapshot.MemberCount);
            return snapshot;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    private async Task<PermissionSnapshot> LoadAsync(CancellationToken cancellationToken)
    {
        // Authorization reads the primary, whatever routing scope the caller is in: a standby may still grant a revoked
        // permission.
        using var route = ReadRoute.Primary();
        var members = new List<StaffMember>();
        var request = new PageRequest(PageRequest.MaxLimit);
        while (true)
        {
            var page = await _members.ListAsync(null, request, cancellationToken).ConfigureAwait(false);
            members.AddRange(page.Items);
            if (page.ContinuationToken is null)
            {
                break;
            }

            request = new PageRequest(PageRequest.MaxLimit, page.ContinuationToken);
        }

        var usedRoles = members.Where(m => m.RoleId is not null).Select(m => m.RoleId!.Value).Distinct();
        var rolePermissions = new Dictionary<StaffRoleId, IEnumerable<string>>();
        foreach (var role in usedRoles)
        {
            var granted = await _roles.ListPermissionsAsync(role, cancellationToken).ConfigureAwait(false);
            rolePermissions[role] = granted.Select(p => p.Name).ToArray();
        }

        return PermissionSnapshot.Create(members, rolePermissions);
    }

    // The coarse clock's resolution bound (a timer tick: 1-10 ms on Linux, 15.6 ms on Windows) plus the rounding down of
    // the time-to-live to whole milliseconds.
    private const long CoarseMarginMs = 17;

    // ExpiresAt is in the units of Now(): milliseconds (coarse clock) or UTC ticks (any other TimeProvider).
    private sealed record State(PermissionSnapshot Snapshot, int Generation, long StaffVersion, long ExpiresAt);
}
