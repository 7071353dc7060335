using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Vps;

namespace PenguinMails.Infrastructure.Core.Tests.SmtpIps;

public sealed class SmtpIpAddressBatchRulesTests
{
    private static readonly VpsInstanceId Vps = new(Guid.Parse("0190a000-0000-7000-8000-0000000000aa"));

    private static SmtpIpAddress Ip(string address) => new() { VpsInstanceId = Vps, IpAddress = address };

    [Fact]
    public void EnsureImportable_ValidBatch_DoesNotThrow()
    {
        SmtpIpAddressRules.EnsureImportable([Ip("10.0.0.1"), Ip("10.0.0.2"), Ip("10.0.0.3")]);
    }

    [Fact]
    public void EnsureImportable_EveryKindOfError_ReportsFieldsRulesAndMessagesInRowOrder()
    {
        var first = Ip("10.0.0.1");
        SmtpIpAddress[] rows =
        [
            first,
            null!,
            Ip("not-an-ip") with { Status = SmtpIpAddressStatus.Assigned },
            Ip("10.0.0.4") with { Id = first.Id },
            Ip("10.0.0.1"),
        ];

        var ex = Assert.Throws<EntityValidationException>(() => SmtpIpAddressRules.EnsureImportable(rows));

        Assert.Equal(
            [
                ("[1]", "required", "[1] must not be null."),
                ("[2].ip_address", "ip_address", "[2].ip_address must be an IPv4 or IPv6 address literal."),
                ("[2].status", "initial", "[2].status of a new IP must be 'available'."),
                ("[3].id", "duplicate", "[3].id repeats the id of row [0]."),
                ("[4].ip_address", "duplicate", "[4].ip_address repeats the vps_instance_id and ip_address of row [0]."),
            ],
            ex.Errors.Select(e => (e.Field, e.Rule, e.Message))
        );
    }
}
