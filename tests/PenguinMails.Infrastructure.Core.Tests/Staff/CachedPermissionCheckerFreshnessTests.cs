using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Staff;

/// <summary>How <see cref="CachedPermissionChecker"/> loads (every page, only the roles in use) and when it reloads.</summary>
public sealed class CachedPermissionCheckerFreshnessTests
{
    private static readonly StaffRoleId Ops = new(10);
    private static readonly UserId Alice = new(Guid.Parse("0190a000-0000-7000-8000-000000000001"));
    private static readonly UserId Bob = new(Guid.Parse("0190a000-0000-7000-8000-000000000002"));
    private static readonly UserId Carol = new(Guid.Parse("0190a000-0000-7000-8000-000000000003"));

    private readonly FakeTimeProvider _clock = new();
    private readonly List<PageRequest?> _requests = [];
    private Action? _duringLoad;
    private int _loads;

    /// <summary>Alice (Ops) on the first page; Bob (no role) and Carol (Ops) on the second.</summary>
    private CachedPermissionChecker NewChecker(TimeSpan? ttl = null, FakeLogger<CachedPermissionChecker>? logger = null)
    {
        var members = new Mock<IStaffMemberRepository>(MockBehavior.Strict);
        members
            .Setup(m => m.ListAsync(null, It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((StaffMemberFilter? _, PageRequest? request, CancellationToken _) =>
            {
                _requests.Add(request);
                if (request?.ContinuationToken is null)
                {
                    Interlocked.Increment(ref _loads);
                    _duringLoad?.Invoke();
                    return new Page<StaffMember>([new StaffMember { UserId = Alice, RoleId = Ops }], "page-2");
                }

                return new Page<StaffMember>([new StaffMember { UserId = Bob }, new StaffMember { UserId = Carol, RoleId = Ops }], null);
            });
        var roles = new Mock<IStaffRoleRepository>(MockBehavior.Strict);
        roles
            .Setup(r => r.ListPermissionsAsync(Ops, It.IsAny<CancellationToken>()))
            .ReturnsAsync([new Permission { Id = new PermissionId(1), Name = WellKnownPermissions.VpsRead }]);
        return new CachedPermissionChecker(members.Object, roles.Object, new PermissionCacheOptions { TimeToLive = ttl ?? TimeSpan.FromSeconds(30) }, _clock, logger);
    }

    [Fact]
    public async Task GetSnapshotAsync_MembersOnTwoPages_ReadsEveryPageAtTheMaximumLimit()
    {
        using var checker = NewChecker();

        var snapshot = await checker.GetSnapshotAsync();

        Assert.Equal(2, snapshot.MemberCount); // Bob has no role
        Assert.True(snapshot.Has(Alice, WellKnownPermissions.VpsRead));
        Assert.True(snapshot.Has(Carol, WellKnownPermissions.VpsRead));
        Assert.False(snapshot.Has(Bob, WellKnownPermissions.VpsRead));
        Assert.Equal([new PageRequest(PageRequest.MaxLimit), new PageRequest(PageRequest.MaxLimit, "page-2")], _requests);
    }

    [Fact]
    public async Task GetSnapshotAsync_Fresh_ReturnsTheSameSnapshotWithoutLoading()
    {
        using var checker = NewChecker();

        var first = await checker.GetSnapshotAsync();
        var second = await checker.GetSnapshotAsync();

        Assert.Same(first, second);
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task GetSnapshotAsync_AfterInvalidate_LoadsANewSnapshot()
    {
        using var checker = NewChecker();
        var first = await checker.GetSnapshotAsync();

        checker.Invalidate();
        var second = await checker.GetSnapshotAsync();

        Assert.NotSame(first, second);
        Assert.Equal(2, _loads);
    }

    [Fact]
    public async Task HasPermissionAsync_InvalidatedDuringTheLoad_ReloadsOnTheNextCheck()
    {
        using var checker = NewChecker();
        _duringLoad = () =>
        {
            _duringLoad = null;
            checker.Invalidate();
        };

        Assert.True(await checker.HasPermissionAsync(Alice, WellKnownPermissions.VpsRead));
        Assert.True(await checker.HasPermissionAsync(Alice, WellKnownPermissions.VpsRead));

        Assert.Equal(2, _loads);
    }

    [Fact]
    public async Task HasPermissionAsync_TimeToLive_CountsFromBeforeTheLoad()
    {
        using var checker = NewChecker(TimeSpan.FromSeconds(30));
        _duringLoad = () =>
        {
            _duringLoad = null;
            _clock.Advance(TimeSpan.FromSeconds(10)); // a slow load
        };
        Assert.True(await checker.HasPermissionAsync(Alice, WellKnownPermissions.VpsRead));

        _clock.Advance(TimeSpan.FromSeconds(20)); // 30 s after the load began, 20 s after it ended
        Assert.True(await checker.HasPermissionAsync(Alice, WellKnownPermissions.VpsRead));

        Assert.Equal(2, _loads);
    }

    [Fact]
    public async Task HasPermissionAsync_ExactlyAtExpiry_Reloads()
    {
        using var checker = NewChecker(TimeSpan.FromSeconds(30));
        await checker.HasPermissionAsync(Alice, WellKnownPermissions.VpsRead);

        _clock.Advance(TimeSpan.FromSeconds(30));
        await checker.EnsurePermissionAsync(Alice, WellKnownPermissions.VpsRead);

        Assert.Equal(2, _loads);
    }

    [Fact]
    public async Task EnsurePermissionAsync_ColdAndDenied_ThrowsFromTheLoadPath()
    {
        using var checker = NewChecker();

        var ex = await Assert.ThrowsAsync<PermissionDeniedException>(async () => await checker.EnsurePermissionAsync(Bob, WellKnownPermissions.VpsRead));

        Assert.Equal(Bob, ex.UserId);
        Assert.Equal(1, _loads);
    }

    [Fact]
    public async Task NullArguments_Throw()
    {
        using var checker = NewChecker();

        Assert.Throws<ArgumentNullException>(() => new CachedPermissionChecker(null!, Mock.Of<IStaffRoleRepository>()));
        Assert.Throws<ArgumentNullException>(() => new CachedPermissionChecker(Mock.Of<IStaffMemberRepository>(), null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await checker.HasPermissionAsync(Alice, null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await checker.EnsurePermissionAsync(Alice, null!));
        Assert.Equal(0, _loads);
    }

    [Fact]
    public async Task LoadAndInvalidate_AreLoggedAsEvents6110And6111()
    {
        var logger = new FakeLogger<CachedPermissionChecker>();
        using var checker = NewChecker(logger: logger);

        await checker.GetSnapshotAsync();
        checker.Invalidate();

        var entries = string.Join(" | ", logger.Entries.Select(e => $"{e.EventId.Id}: {e.Message}"));
        Assert.True(logger.Entries.Any(e => e.EventId.Id == PenguinMailsInfraEventIds.PermissionSnapshotLoaded && e.Message.StartsWith("Permission snapshot loaded: 2 staff members with a role", StringComparison.Ordinal)), entries);
        Assert.True(logger.Entries.Any(e => e.EventId.Id == PenguinMailsInfraEventIds.PermissionCacheInvalidated && e.Message.StartsWith("Permission cache invalidated: explicit", StringComparison.Ordinal)), entries);
    }
}
