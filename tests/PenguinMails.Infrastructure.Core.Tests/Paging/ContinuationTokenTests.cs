namespace PenguinMails.Infrastructure.Core.Tests.Paging;

public sealed class ContinuationTokenTests
{
    [Theory]
    [InlineData("feature.flag-1")]
    [InlineData("stripe_account_id")]
    [InlineData("clé-\u00e9")]
    public void DecodeString_IssuedToken_RoundTrips(string key)
    {
        Assert.Equal(key, ContinuationToken.DecodeString(ContinuationToken.Encode(key)));
    }

    [Theory]
    [InlineData("AA")] // a NUL
    [InlineData("_w")] // 0xFF: not UTF-8
    [InlineData("CQ")] // a tab
    [InlineData("not a token!")]
    public void DecodeString_ForeignToken_ThrowsArgument(string token)
    {
        Assert.Throws<ArgumentException>(() => ContinuationToken.DecodeString(token));
    }

    [Fact]
    public void DecodeGuid_IssuedToken_RoundTripsAndForeignOneThrows()
    {
        var id = Guid.NewGuid();

        Assert.Equal(id, ContinuationToken.DecodeGuid(ContinuationToken.Encode(id)));
        Assert.Throws<ArgumentException>(() => ContinuationToken.DecodeGuid("AAAA"));
        Assert.Null(ContinuationToken.DecodeGuid(null));
    }

    [Fact]
    public void CompareUuid_OrdersLikePostgres()
    {
        var a = Guid.Parse("00000000-0000-0000-0000-0000000000ff");
        var b = Guid.Parse("00000001-0000-0000-0000-000000000000");
        var c = Guid.Parse("ffffffff-0000-0000-0000-000000000000");

        Assert.True(ContinuationToken.CompareUuid(a, b) < 0);
        Assert.True(ContinuationToken.CompareUuid(b, c) < 0);
        Assert.Equal(0, ContinuationToken.CompareUuid(c, c));
    }
}
