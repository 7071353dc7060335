using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;

namespace PenguinMails.Infrastructure.Core.Tests.Assignments;

public sealed class DomainIpAssignmentRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static DomainIpAssignment New() => new() { DomainId = DomainId.New(), SmtpIpAddressId = SmtpIpAddressId.New() };

    [Fact]
    public void PrepareInsert_NoAssignedTime_UsesNowAndSetsCreatedAndUpdated()
    {
        var stored = DomainIpAssignmentRules.PrepareInsert(New(), Now);

        Assert.Equal(Now, stored.Assigned);
        Assert.Equal(Now, stored.Created);
        Assert.Equal(Now, stored.Updated);
        Assert.Null(stored.Expires);
        Assert.Null(stored.LastSent);
    }

    [Fact]
    public void PrepareInsert_TimesWithSubMicrosecondTicks_AreTruncatedToMicroseconds()
    {
        var assigned = Now.AddTicks(-15); // 1.5 microseconds earlier
        var assignment = New() with { Assigned = assigned, Expires = Now.AddDays(1).AddTicks(7), LastSent = Now.AddTicks(-3) };

        var stored = DomainIpAssignmentRules.PrepareInsert(assignment, Now);

        Assert.Equal(Now.AddTicks(-20), stored.Assigned);
        Assert.Equal(Now.AddDays(1), stored.Expires);
        Assert.Equal(Now.AddTicks(-10), stored.LastSent);
        Assert.Equal(Now, stored.Created);
    }

    [Fact]
    public void PrepareInsert_DefaultedAssignedAfterExpires_ThrowsAfterAssigned()
    {
        var ex = Assert.Throws<EntityValidationException>(() => DomainIpAssignmentRules.PrepareInsert(New() with { Expires = Now.AddMinutes(-1) }, Now));

        Assert.Equal(nameof(DomainIpAssignment), ex.Entity);
        var error = Assert.Single(ex.Errors);
        Assert.Equal(("expires", "after_assigned"), (error.Field, error.Rule));
    }

    [Fact]
    public void PrepareInsert_InvalidField_ReportsItOnce()
    {
        var ex = Assert.Throws<EntityValidationException>(() => DomainIpAssignmentRules.PrepareInsert(New() with { DomainId = null }, Now));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(("domain_id", "required"), (error.Field, error.Rule));
    }

    [Fact]
    public void PrepareInsert_ActiveStatus_ThrowsNamingTheInitialStatus()
    {
        var ex = Assert.Throws<EntityValidationException>(
            () => DomainIpAssignmentRules.PrepareInsert(New() with { Status = DomainIpAssignmentStatus.Active }, Now)
        );

        Assert.Equal(new FieldError("status", "initial", "status of a new assignment must be 'scheduled'."), Assert.Single(ex.Errors));
    }

    [Fact]
    public void PrepareInsert_WarmingState_ThrowsNamingTheInitialWarmupState()
    {
        var ex = Assert.Throws<EntityValidationException>(() => DomainIpAssignmentRules.PrepareInsert(New() with { WarmupState = WarmupState.Warming }, Now));

        Assert.Equal(new FieldError("warmup_state", "initial", "warmup_state of a new assignment must be 'unwarmed'."), Assert.Single(ex.Errors));
    }

    [Fact]
    public void PrepareInsert_UndefinedStatusAndWarmupState_ReportsOnlyTheOneOfRules()
    {
        var ex = Assert.Throws<EntityValidationException>(
            () => DomainIpAssignmentRules.PrepareInsert(New() with { Status = (DomainIpAssignmentStatus)99, WarmupState = (WarmupState)99 }, Now)
        );

        Assert.Equal([("status", "one_of"), ("warmup_state", "one_of")], ex.Errors.Select(e => (e.Field, e.Rule)));
    }

    [Fact]
    public void Conflict_StatusChanged_NamesBothStatuses()
    {
        var expected = New();
        var actual = expected with { Status = DomainIpAssignmentStatus.Active, WarmupState = WarmupState.Warming };

        var ex = DomainIpAssignmentRules.Conflict(expected, actual, "ignored");

        Assert.Equal(nameof(DomainIpAssignment), ex.Entity);
        Assert.Equal(expected.Id.ToString(), ex.Id);
        Assert.Equal("expected status 'scheduled' but found 'active'", ex.Reason);
    }

    [Fact]
    public void Conflict_WarmupOnlyWithStatusChanged_NamesTheWarmupState()
    {
        var expected = New();
        var actual = expected with { Status = DomainIpAssignmentStatus.Active, WarmupState = WarmupState.Warming };

        var ex = DomainIpAssignmentRules.Conflict(expected, actual, "ignored", warmupOnly: true);

        Assert.Equal("expected warmup_state 'unwarmed' but found 'warming'", ex.Reason);
    }

    [Fact]
    public void Conflict_WarmupOnlyWithOnlyStatusChanged_UsesTheGivenReason()
    {
        var expected = New();

        var ex = DomainIpAssignmentRules.Conflict(expected, expected with { Status = DomainIpAssignmentStatus.Active }, "custom reason", warmupOnly: true);

        Assert.Equal("custom reason", ex.Reason);
    }

    [Fact]
    public void Conflict_NothingDifferentAndNoReason_SaysItWasUpdated()
    {
        var expected = New();

        var ex = DomainIpAssignmentRules.Conflict(expected, expected, null);

        Assert.Equal(nameof(DomainIpAssignment), ex.Entity);
        Assert.Equal(expected.Id.ToString(), ex.Id);
        Assert.Equal("it was updated since it was read", ex.Reason);
    }
}
