using Microsoft.Extensions.Time.Testing;
using Moq;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.TestKit;

namespace PenguinMails.Infrastructure.Core.Tests.Staff;

public sealed class CachedPermissionCheckerTelemetryTests
{
    private static readonly StaffRoleId Ops = new(10);
    private static readonly UserId Alice = new(Guid.Parse("0190a000-0000-7000-8000-000000000001"));
    private static readonly UserId Stranger = new(Guid.Parse("0190a000-0000-7000-8000-000000000004"));

    private static CachedPermissionChecker NewChecker()
    {
        var members = new Mock<IStaffMemberRepository>(MockBehavior.Strict);
        members
            .Setup(m => m.ListAsync(null, It.IsAny<PageRequest?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Page<StaffMember>([new StaffMember { UserId = Alice, RoleId = Ops }], null));
        var roles = new Mock<IStaffRoleRepository>(MockBehavior.Strict);
        roles
            .Setup(r => r.ListPermissionsAsync(Ops, It.IsAny<CancellationToken>()))
            .ReturnsAsync([new Permission { Id = new PermissionId(1), Name = WellKnownPermissions.VpsRead }]);
        return new CachedPermissionChecker(members.Object, roles.Object, new PermissionCacheOptions(), new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task EnsurePermissionAsync_Denied_CountsOneDenialOnTheColdAndTheWarmPath()
    {
        using var checker = NewChecker();
        using var capture = new TelemetryCapture();

        // Cold: the first call loads the snapshot (the slow path); warm: the next answers from it.
        await Assert.ThrowsAsync<PermissionDeniedException>(() => checker.EnsurePermissionAsync(Stranger, WellKnownPermissions.VpsRead).AsTask());
        await Assert.ThrowsAsync<PermissionDeniedException>(() => checker.EnsurePermissionAsync(Alice, WellKnownPermissions.VpsManage).AsTask());
        await checker.EnsurePermissionAsync(Alice, WellKnownPermissions.VpsRead);
        Assert.False(await checker.HasPermissionAsync(Stranger, WellKnownPermissions.VpsRead));

        Assert.Equal(2, capture.Sum(PenguinMailsInfraTelemetry.PermissionDenialsCounter));
        Assert.All(capture.Measurements, m => Assert.Equal(PenguinMailsInfraTelemetry.PermissionDenialsCounter, m.Instrument));
    }
}
