using PenguinMails.Infrastructure.Core.SystemConfig;

namespace PenguinMails.Infrastructure.Core.Tests.SystemConfig;

public sealed class StripeAccountIdTests
{
    [Theory]
    [InlineData("acct_1A2b3C4d5E6f7G8h", true)]
    [InlineData("acct_x", true)]
    [InlineData("acct_", false)]
    [InlineData("acct_12 34", false)]
    [InlineData("acct_12-34", false)]
    [InlineData("ACCT_1234", false)]
    [InlineData("cus_1234", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsStripeAccountId_Format_Recognised(string? value, bool expected) =>
        Assert.Equal(expected, SystemConfigService.IsStripeAccountId(value));
}
