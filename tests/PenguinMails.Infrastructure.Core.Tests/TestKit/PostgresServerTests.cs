using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.Tests.TestKit;

public sealed class PostgresServerTests
{
    [Theory]
    [InlineData(true, false, false, false, false)]
    [InlineData(false, true, false, false, false)]
    [InlineData(false, true, true, true, false)]
    [InlineData(false, false, false, false, true)]
    [InlineData(false, true, true, false, true)]
    public void DecideSkipReason_ServerPossibleOrCi_Runs(bool connection, bool binaries, bool root, bool runuser, bool ci)
    {
        Assert.Null(PostgresServer.DecideSkipReason(connection, binaries, root, runuser, ci));
    }

    [Fact]
    public void DecideSkipReason_NoBinariesLocally_SkipsNamingTheVariable()
    {
        var reason = PostgresServer.DecideSkipReason(false, false, false, false, false);

        Assert.NotNull(reason);
        Assert.Contains(PostgresServer.ConnectionVariable, reason, StringComparison.Ordinal);
        Assert.Contains("initdb", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DecideSkipReason_RootWithoutRunuserLocally_SkipsNamingRunuser()
    {
        var reason = PostgresServer.DecideSkipReason(false, true, true, false, false);

        Assert.Contains("runuser", reason, StringComparison.Ordinal);
    }
}
