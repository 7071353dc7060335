using PenguinMails.Infrastructure.Core.Internal;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Staff;

namespace PenguinMails.Infrastructure.Core.Tests.Internal;

public sealed class RowKeyTests
{
    [Fact]
    public void ToString_GuidKey_IsTheTypedIdsText()
    {
        var id = SmtpIpAddressId.New();
        Assert.Equal(id.ToString(), new RowKey(id.Value).ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(42)]
    [InlineData(-7)]
    public void ToString_IntegerKey_IsTheTypedIdsText(int value)
    {
        Assert.Equal(new StaffRoleId(value).ToString(), new RowKey(value).ToString());
    }

    [Theory]
    [InlineData("tenant-setting")]
    [InlineData(null)]
    public void ToString_TextKey_IsTheTextItself(string? text)
    {
        RowKey key = text;
        Assert.Equal(text, key.ToString());
    }
}
