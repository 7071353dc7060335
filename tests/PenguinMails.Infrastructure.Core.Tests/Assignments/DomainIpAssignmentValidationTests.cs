using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;

namespace PenguinMails.Infrastructure.Core.Tests.Assignments;

public sealed class DomainIpAssignmentValidationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NotUtc = new(2026, 1, 1, 1, 0, 0, TimeSpan.FromHours(1));

    private static DomainIpAssignment Valid() =>
        new()
        {
            DomainId = DomainId.New(),
            SmtpIpAddressId = SmtpIpAddressId.New(),
            Status = DomainIpAssignmentStatus.Active,
            Assigned = T0,
            Expires = T0.AddDays(30),
            WarmupState = WarmupState.Warmed,
            LastSent = T0.AddDays(1),
            Created = T0,
            Updated = T0,
        };

    [Fact]
    public void Validate_ValidAssignment_HasNoErrors()
    {
        Assert.Empty(Valid().Validate());
        EntityValidation.EnsureValid(Valid());
    }

    [Fact]
    public void Validate_NewAssignmentWithDomainAndIp_DefaultsAreScheduledUnwarmedAndStoreSetTimes()
    {
        var assignment = new DomainIpAssignment { DomainId = DomainId.New(), SmtpIpAddressId = SmtpIpAddressId.New() };

        Assert.Equal(DomainIpAssignmentStatus.Scheduled, assignment.Status);
        Assert.Equal(WarmupState.Unwarmed, assignment.WarmupState);
        Assert.Equal(default, assignment.Assigned);
        Assert.Null(assignment.Expires);
        Assert.NotEqual(Guid.Empty, assignment.Id.Value);
        Assert.Empty(assignment.Validate());
    }

    public static TheoryData<string, Func<DomainIpAssignment, DomainIpAssignment>, string, string> Failing() =>
        new()
        {
            { "empty id", v => v with { Id = default }, "id", "not_empty" },
            { "no domain", v => v with { DomainId = null }, "domain_id", "required" },
            { "empty domain", v => v with { DomainId = new DomainId(Guid.Empty) }, "domain_id", "not_empty" },
            { "no ip", v => v with { SmtpIpAddressId = null }, "smtp_ip_address_id", "required" },
            { "empty ip", v => v with { SmtpIpAddressId = new SmtpIpAddressId(Guid.Empty) }, "smtp_ip_address_id", "not_empty" },
            { "undefined status", v => v with { Status = (DomainIpAssignmentStatus)99 }, "status", "one_of" },
            { "default status", v => v with { Status = default }, "status", "one_of" },
            { "undefined warmup", v => v with { WarmupState = (WarmupState)99 }, "warmup_state", "one_of" },
            { "default warmup", v => v with { WarmupState = default }, "warmup_state", "one_of" },
            { "assigned not utc", v => v with { Assigned = NotUtc, Expires = null }, "assigned", "utc" },
            { "expires not utc", v => v with { Expires = T0.AddDays(30).ToOffset(TimeSpan.FromHours(3)) }, "expires", "utc" },
            { "expires default", v => v with { Expires = default(DateTimeOffset) }, "expires", "timestamp" },
            { "expires equal to assigned", v => v with { Expires = T0 }, "expires", "after_assigned" },
            { "expires before assigned", v => v with { Expires = T0.AddTicks(-1) }, "expires", "after_assigned" },
            { "last sent not utc", v => v with { LastSent = NotUtc }, "last_sent", "utc" },
            { "last sent max", v => v with { LastSent = DateTimeOffset.MaxValue }, "last_sent", "timestamp" },
            { "created not utc", v => v with { Created = NotUtc }, "created", "utc" },
            { "updated not utc", v => v with { Updated = NotUtc }, "updated", "utc" },
        };

    [Theory]
    [MemberData(nameof(Failing))]
    public void Validate_BadValue_ReportsFieldAndRule(string _, Func<DomainIpAssignment, DomainIpAssignment> change, string field, string rule)
    {
        var errors = change(Valid()).Validate();

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Equal(rule, error.Rule);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<DomainIpAssignment, DomainIpAssignment>> Passing() =>
        new()
        {
            { "expires one tick after assigned", v => v with { Expires = T0.AddTicks(1) } },
            { "open-ended", v => v with { Expires = null } },
            { "assigned left to the store", v => v with { Assigned = default, Expires = T0.AddDays(-1) } },
            { "never sent", v => v with { LastSent = null } },
            { "store-set timestamps left default", v => v with { Created = default, Updated = default } },
            { "expired with past expiry", v => v with { Status = DomainIpAssignmentStatus.Expired, Expires = T0.AddDays(1) } },
        };

    [Theory]
    [MemberData(nameof(Passing))]
    public void Validate_EdgeValue_IsAccepted(string _, Func<DomainIpAssignment, DomainIpAssignment> change)
    {
        Assert.Empty(change(Valid()).Validate());
    }

    [Fact]
    public void EnsureValid_SeveralBadFields_ListsEveryOne()
    {
        var bad = Valid() with { DomainId = null, SmtpIpAddressId = null, Expires = T0.AddDays(-1) };

        var ex = Assert.Throws<EntityValidationException>(() => EntityValidation.EnsureValid(bad));

        Assert.Equal("DomainIpAssignment", ex.Entity);
        Assert.Equal(["domain_id", "smtp_ip_address_id", "expires"], ex.Errors.Select(e => e.Field));
    }
}
