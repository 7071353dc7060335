using Microsoft.Extensions.Time.Testing;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;
using PenguinMails.Infrastructure.Core.Testing;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.InMemoryStore;

public sealed class InMemoryStoreSeederTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly InMemoryInfraStore _store;

    public InMemoryStoreSeederTests()
    {
        _store = new InMemoryInfraStore(_time);
    }

    [Theory]
    [InlineData(VpsInstanceStatus.Provisioning)]
    [InlineData(VpsInstanceStatus.Active)]
    [InlineData(VpsInstanceStatus.ScheduledDecommission)]
    [InlineData(VpsInstanceStatus.Decommissioned)]
    public async Task Vps_AnyStatus_IsStoredInThatStatusAndReadsBackEqual(VpsInstanceStatus status)
    {
        var vps = _store.Seed.Vps(status);

        var read = await new InMemoryVpsInstanceRepository(_store).GetAsync(vps.Id);
        Assert.Equal(vps, read);
        Assert.Equal(status, read!.Status);
        Assert.Equal(status == VpsInstanceStatus.ScheduledDecommission ? Start.AddDays(30) : null, read.DecommissionScheduledFor);
        Assert.Equal(Start, read.Created);
    }

    [Fact]
    public async Task Vps_Like_KeepsItsColumnsAndScale()
    {
        var vps = _store.Seed.Vps(VpsInstanceStatus.Active, new VpsInstance { Region = "eu-west", MonthlyCost = 20m, HostwindsBillingDay = 3 });

        var read = (await new InMemoryVpsInstanceRepository(_store).GetAsync(vps.Id))!;
        Assert.Equal("eu-west", read.Region);
        Assert.Equal("20.00", read.MonthlyCost!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, read.HostwindsBillingDay);
    }

    [Fact]
    public async Task Vps_InvalidTemplate_ThrowsValidationNamingTheFieldAndStoresNothing()
    {
        var ex = Assert.Throws<EntityValidationException>(() => _store.Seed.Vps(like: new VpsInstance { IpAddress = "300.1.1.1" }));

        Assert.Contains(ex.Errors, e => e.Field == "ip_address");
        Assert.Equal(0, await new InMemoryVpsInstanceRepository(_store).CountAsync());
    }

    [Theory]
    [InlineData(SmtpIpAddressStatus.Available)]
    [InlineData(SmtpIpAddressStatus.Warmed)]
    [InlineData(SmtpIpAddressStatus.Quarantined)]
    [InlineData(SmtpIpAddressStatus.Burned)]
    public async Task SmtpIp_AnyStatus_OnItsVpsWithDistinctAddresses(SmtpIpAddressStatus status)
    {
        var vps = _store.Seed.Vps();

        var first = _store.Seed.SmtpIp(vps, status);
        var second = _store.Seed.SmtpIp(vps, status);

        var read = (await new InMemorySmtpIpAddressRepository(_store).GetAsync(first.Id))!;
        Assert.Equal(status, read.Status);
        Assert.Equal(vps.Id, read.VpsInstanceId);
        Assert.NotEqual(first.IpAddress, second.IpAddress);
        Assert.Equal(2, await new InMemorySmtpIpAddressRepository(_store).CountAsync(new SmtpIpAddressFilter(VpsInstanceId: vps.Id)));
    }

    [Fact]
    public async Task Assignment_WithoutDomain_CreatesTheDomainAndItsTenant()
    {
        var ip = _store.Seed.SmtpIp(_store.Seed.Vps(), SmtpIpAddressStatus.Assigned);

        var assignment = _store.Seed.Assignment(ip);

        Assert.NotNull(assignment.DomainId);
        Assert.Equal(DomainIpAssignmentStatus.Active, assignment.Status);
        Assert.Equal(WarmupState.Warmed, assignment.WarmupState);
        Assert.Equal(assignment, await new InMemoryDomainIpAssignmentRepository(_store).GetAsync(assignment.Id));
        var costs = await new InMemoryTenantCostReport(_store).GetMonthlyCostsAsync();
        Assert.Contains(costs, c => c.TenantId is not null && c.AssignmentCount == 1);
    }

    [Fact]
    public async Task StaffMember_WithPermissions_HasExactlyThoseAndCustomNamesBecomePermissions()
    {
        var member = _store.Seed.StaffMember(WellKnownPermissions.VpsRead, "billing.export");

        var names = await new InMemoryStaffMemberRepository(_store).GetPermissionNamesAsync(member.UserId);
        Assert.Equal(new[] { "billing.export", WellKnownPermissions.VpsRead }, names.Order(StringComparer.Ordinal).ToArray());
        var custom = await new InMemoryPermissionRepository(_store).GetByNameAsync("billing.export");
        Assert.Equal("custom", custom!.Category);
        Assert.Same(_store.Seed.Permission("billing.export").Name, custom.Name);
    }

    [Fact]
    public async Task StaffMember_TwoMembersShareARole_AndAMemberWithoutRoleHasNothing()
    {
        var role = _store.Seed.Role("support", WellKnownPermissions.StaffManage);
        var first = _store.Seed.StaffMember(_store.Seed.User(), role);
        var second = _store.Seed.StaffMember(UserId.New(), role); // the user is registered on demand
        var none = _store.Seed.StaffMember(UserId.New(), (StaffRole?)null);

        var members = new InMemoryStaffMemberRepository(_store);
        Assert.Contains(WellKnownPermissions.StaffManage, await members.GetPermissionNamesAsync(first.UserId));
        Assert.Contains(WellKnownPermissions.StaffManage, await members.GetPermissionNamesAsync(second.UserId));
        Assert.Empty(await members.GetPermissionNamesAsync(none.UserId));
        Assert.NotEqual(role.Id, _store.Seed.Role("other").Id);
    }

    [Fact]
    public async Task ConfigurationRows_AreStoredWithTheirHostRows()
    {
        var admin = UserId.New();
        var entry = _store.Seed.SystemConfig(new SystemConfigEntry { Key = "smtp.max_rate", UpdatedBy = admin });
        var preferences = _store.Seed.UserPreferences(like: new UserPreferences { UserId = UserId.New(), Theme = "dark" });
        var config = _store.Seed.TenantConfig();
        var policies = _store.Seed.TenantPolicies(config.TenantId, new TenantPolicies { TenantId = config.TenantId, PasswordMinLength = 12 });
        var flag = _store.Seed.FeatureFlag("seeded", rolloutPercentage: 25, isEnabled: false);

        Assert.Equal(entry, await new InMemorySystemConfigRepository(_store).GetAsync("smtp.max_rate"));
        Assert.Equal("dark", (await new InMemoryUserPreferencesRepository(_store).GetByUserIdAsync(preferences.UserId))!.Theme);
        Assert.Equal(config, await new InMemoryTenantConfigRepository(_store).GetAsync(config.TenantId));
        Assert.Equal(12, (await new InMemoryTenantPoliciesRepository(_store).GetAsync(policies.TenantId))!.PasswordMinLength);
        Assert.Equal(flag, await new InMemoryFeatureFlagRepository(_store).GetByKeyAsync("seeded"));
    }

    [Fact]
    public void Seeding_RepositoryRulesApply_DuplicateFlagKeyIsRejected()
    {
        _store.Seed.FeatureFlag("once");

        Assert.Throws<DuplicateEntityException>(() => _store.Seed.FeatureFlag("once"));
    }

    [Fact]
    public async Task Restore_ReturnsToTheSnapshot_AndRejectsAnotherStoresSnapshot()
    {
        var kept = _store.Seed.Vps();
        var snapshot = _store.Snapshot();
        var added = _store.Seed.Vps();
        await new InMemoryVpsInstanceRepository(_store).DeleteAsync(kept.Id);

        _store.Restore(snapshot);

        var repository = new InMemoryVpsInstanceRepository(_store);
        Assert.NotNull(await repository.GetAsync(kept.Id));
        Assert.Null(await repository.GetAsync(added.Id));
        var other = new InMemoryInfraStore();
        Assert.Throws<ArgumentException>(() => other.Restore(snapshot));
    }
}
