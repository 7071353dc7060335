using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.TestKit.Reliability;

namespace PenguinMails.Infrastructure.Core.Tests.TestKit;

/// <summary>The invariant checker finds what it is meant to find, so that an empty report means something.</summary>
public sealed class InvariantCheckerTests
{
    private static readonly VpsInstanceId Vps = VpsInstanceId.New();

    private static SmtpIpAddress Ip(SmtpIpAddressStatus status, decimal? cost = null, int assigned = 0, string address = "192.0.2.1") =>
        new() { VpsInstanceId = Vps, IpAddress = address, Status = status, ApproximateCost = cost, AssignedCount = assigned };

    private static OperationLedger Inserted(SmtpIpAddress ip)
    {
        var ledger = new OperationLedger();
        ledger.Acknowledge(LedgerOperationKind.Insert, nameof(SmtpIpAddress), ip.Id.ToString(), to: nameof(SmtpIpAddressStatus.Available));
        return ledger;
    }

    private static StoreSnapshot Store(params SmtpIpAddress[] ips) => new([], ips, []);

    [Fact]
    public void Check_AcknowledgedChainReachesStoredStatus_NoViolation()
    {
        var ip = Ip(SmtpIpAddressStatus.Warmed);
        var ledger = Inserted(ip);
        ledger.Acknowledge(LedgerOperationKind.Transition, nameof(SmtpIpAddress), ip.Id.ToString(), "Available", "Warming");
        ledger.Acknowledge(LedgerOperationKind.Transition, nameof(SmtpIpAddress), ip.Id.ToString(), "Warming", "Warmed");
        ledger.Fail(LedgerOperationKind.Transition, nameof(SmtpIpAddress), ip.Id.ToString(), new ConcurrencyConflictException("SmtpIpAddress", ip.Id.ToString(), "test"), "Available", "Burned");

        Assert.Empty(InvariantChecker.Check(ledger, Store(ip)));
    }

    [Fact]
    public void Check_AcknowledgedTransitionMissing_ReportsLostTransition()
    {
        var ip = Ip(SmtpIpAddressStatus.Warming);
        var ledger = Inserted(ip);
        ledger.Acknowledge(LedgerOperationKind.Transition, nameof(SmtpIpAddress), ip.Id.ToString(), "Available", "Warming");
        ledger.Acknowledge(LedgerOperationKind.Transition, nameof(SmtpIpAddress), ip.Id.ToString(), "Warming", "Warmed");

        Assert.Contains(InvariantChecker.Check(ledger, Store(ip)), v => v.Contains("do not lead from Available", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_FailedWriteValueStored_ReportsPhantom()
    {
        var ip = Ip(SmtpIpAddressStatus.Available, cost: 12.30m);
        var ledger = Inserted(ip);
        ledger.Acknowledge(LedgerOperationKind.Write, nameof(SmtpIpAddress), ip.Id.ToString(), to: "1.5");
        ledger.Fail(LedgerOperationKind.Write, nameof(SmtpIpAddress), ip.Id.ToString(), new EntityNotFoundException("SmtpIpAddress", ip.Id.ToString()), to: "12.3");

        var violations = InvariantChecker.Check(ledger, Store(ip));

        Assert.Contains(violations, v => v.Contains("reported as failed (phantom)", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("acknowledged write was lost", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_AcknowledgedInsertMissingAndFailedInsertPresent_ReportsBoth()
    {
        var stored = Ip(SmtpIpAddressStatus.Available);
        var ledger = new OperationLedger();
        ledger.Acknowledge(LedgerOperationKind.Insert, nameof(SmtpIpAddress), SmtpIpAddressId.New().ToString(), to: "Available");
        ledger.Fail(LedgerOperationKind.Insert, nameof(SmtpIpAddress), stored.Id.ToString(), new TransientDatabaseException("test", new IOException()));

        var violations = InvariantChecker.Check(ledger, Store(stored));

        Assert.Contains(violations, v => v.Contains("missing from the store (lost)", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("(phantom)", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_UnknownOutcome_AcceptsEitherResult()
    {
        var stored = Ip(SmtpIpAddressStatus.Available);
        var ledger = new OperationLedger();
        ledger.Fail(LedgerOperationKind.Insert, nameof(SmtpIpAddress), stored.Id.ToString(), new TransientDatabaseException("test", new IOException(), commitOutcomeUnknown: true));
        ledger.Fail(LedgerOperationKind.Insert, nameof(SmtpIpAddress), SmtpIpAddressId.New().ToString(), new TransientDatabaseException("test", new IOException(), commitOutcomeUnknown: true));

        Assert.Empty(InvariantChecker.Check(ledger, Store(stored)));
        Assert.Equal(2, ledger.Count(LedgerOutcome.Unknown));
    }

    [Fact]
    public void CheckStore_CountOffDuplicateLiveAssignmentAndAddressTwice_ReportsEach()
    {
        var ip = Ip(SmtpIpAddressStatus.Assigned, assigned: 1);
        var twin = Ip(SmtpIpAddressStatus.Available, address: "192.0.2.1");
        var domain = DomainId.New();
        var a1 = new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id };
        var a2 = new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = ip.Id, Status = DomainIpAssignmentStatus.Active };
        var expired = new DomainIpAssignment { DomainId = domain, SmtpIpAddressId = twin.Id, Status = DomainIpAssignmentStatus.Expired };

        var violations = InvariantChecker.CheckStore(new StoreSnapshot([], [ip, twin], [a1, a2, expired]));

        Assert.Contains(violations, v => v.Contains("assigned_count is 1, but 2", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("two places at once", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("holds 2 non-expired assignments", StringComparison.Ordinal));
        Assert.Equal(3, violations.Count);
    }

    [Fact]
    public void Fail_RawDriverException_IsKeptAsUntyped()
    {
        var ledger = new OperationLedger();

        ledger.Fail(LedgerOperationKind.Write, nameof(SmtpIpAddress), "x", new InvalidOperationException("raw"));

        Assert.Single(ledger.UntypedErrors);
        Assert.Equal(1, ledger.Count(LedgerOutcome.Failed));
    }
}
