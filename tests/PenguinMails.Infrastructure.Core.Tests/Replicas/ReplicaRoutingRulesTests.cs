using Microsoft.Extensions.Options;
using Npgsql;
using PenguinMails.Infrastructure.Core.DependencyInjection;
using PenguinMails.Infrastructure.Core.DependencyInjection.Internal;
using PenguinMails.Infrastructure.Core.Postgres.Internal;
using PenguinMails.Infrastructure.Core.Replicas;

namespace PenguinMails.Infrastructure.Core.Tests.Replicas;

/// <summary>The failover errors' translation, the routes of single- and multi-host data sources, the read-route scopes and the replica options.</summary>
public sealed class ReplicaRoutingRulesTests
{
    [Theory]
    [InlineData("No suitable host was found.")]
    [InlineData("Unable to connect to a suitable host. Check inner exception for more details.")]
    public void Translate_NoSuitableHost_IsTransientWithKnownOutcome(string message)
    {
        var driver = new NpgsqlException(message, new AggregateException(new NpgsqlException("refused")));

        var translated = Assert.IsType<TransientDatabaseException>(PostgresErrorTranslator.Translate(driver, "VpsInstance", "x", Statement.Write, CancellationToken.None));

        Assert.False(translated.CommitOutcomeUnknown);
        Assert.Same(driver, translated.InnerException);
        Assert.True(DatabaseRoutes.IsNoPrimary(driver));
    }

    [Fact]
    public void Translate_ReadOnlySqlTransaction_IsTransientAndStaysKnownAfterAWriteWasSent()
    {
        var driver = new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", "25006");

        var translated = Assert.IsType<TransientDatabaseException>(PostgresErrorTranslator.Translate(driver, "VpsInstance", "x", Statement.Write, CancellationToken.None));
        var marked = Assert.IsType<TransientDatabaseException>(PgExecutor.MarkOutcomeUnknown(translated, driver));

        Assert.False(marked.CommitOutcomeUnknown); // the server rejected the statement: nothing was written
        Assert.Contains("read-only", translated.Operation, StringComparison.Ordinal);
        Assert.True(DatabaseRoutes.IsNoPrimary(driver));
    }

    [Fact]
    public void IsNoPrimary_OtherErrors_False()
    {
        Assert.False(DatabaseRoutes.IsNoPrimary(new PostgresException("duplicate", "ERROR", "ERROR", "23505")));
        Assert.False(DatabaseRoutes.IsNoPrimary(new NpgsqlException("Exception while reading from stream", new IOException())));
        Assert.False(DatabaseRoutes.IsNoPrimary(new InvalidOperationException("No suitable host was found.")));
    }

    [Fact]
    public async Task Routes_SingleHost_AreTheDataSourceItself()
    {
        await using var single = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=u");

        Assert.Same(single, DatabaseRoutes.Primary(single));
        Assert.Same(single, DatabaseRoutes.PreferStandby(single));
        Assert.Null(StandbyReads.For(single));
        Assert.False(DatabaseRoutes.IsFixedTargetMultiHost(single));
    }

    [Fact]
    public async Task Routes_MultiHost_PrimaryAndPreferStandbyWrappers_OneEachAndAcceptedAsTheirOwn()
    {
        await using var multi = new NpgsqlDataSourceBuilder("Host=127.0.0.1:1,127.0.0.1:2;Username=u").BuildMultiHost();

        var primary = DatabaseRoutes.Primary(multi);
        var standby = DatabaseRoutes.PreferStandby(multi);

        Assert.NotSame(multi, primary);
        Assert.NotSame(primary, standby);
        Assert.Same(primary, DatabaseRoutes.Primary(multi));
        Assert.Same(primary, multi.WithTargetSession(TargetSessionAttributes.Primary));
        Assert.Same(standby, multi.WithTargetSession(TargetSessionAttributes.PreferStandby));
        Assert.Same(primary, DatabaseRoutes.Primary(primary)); // a route stays itself
        Assert.False(DatabaseRoutes.IsFixedTargetMultiHost(primary));
        Assert.True(DatabaseRoutes.IsFixedTargetMultiHost(multi.WithTargetSession(TargetSessionAttributes.Any)));
        var reads = StandbyReads.For(multi, TimeSpan.FromMilliseconds(300));
        Assert.NotNull(reads);
        Assert.Same(primary, reads.Primary);
        Assert.Same(standby, reads.Standby);
        Assert.Equal(TimeSpan.FromMilliseconds(300), reads.ReadYourWritesTimeout);
    }

    [Fact]
    public async Task ReadRoute_Scopes_NestRestoreAndFlowAcrossAwaits()
    {
        Assert.Null(ReadRoute.Current);
        using (ReadRoute.PreferStandby(ReadConsistency.ReadYourWrites))
        {
            await Task.Yield();
            Assert.Equal(new ReadRouteDecision(true, ReadConsistency.ReadYourWrites), ReadRoute.Current);
            using (ReadRoute.Primary())
            {
                Assert.Null(ReadRoute.Current);
            }

            Assert.Equal(ReadConsistency.ReadYourWrites, ReadRoute.Current?.Consistency);
            await Task.Run(() => Assert.True(ReadRoute.Current?.Standby));
        }

        Assert.Null(ReadRoute.Current);
    }

    [Fact]
    public void ReadRouteScope_DisposedTwice_RestoresOnce()
    {
        var outer = ReadRoute.PreferStandby();
        var inner = ReadRoute.Primary();
        inner.Dispose();
        Assert.Equal(ReadConsistency.Stale, ReadRoute.Current?.Consistency);
        inner.Dispose();
        Assert.NotNull(ReadRoute.Current);
        outer.Dispose();
        Assert.Null(ReadRoute.Current);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(1000, true)]
    [InlineData(30000, true)]
    [InlineData(30001, false)]
    public void ReplicaOptions_ReadYourWritesTimeout_ZeroToThirtySeconds(int milliseconds, bool valid)
    {
        var failures = new ReplicaOptions { ReadYourWritesTimeout = TimeSpan.FromMilliseconds(milliseconds) }.Validate();

        Assert.Equal(valid, failures.Count == 0);
        Assert.All(failures, f => Assert.StartsWith("Replicas:ReadYourWritesTimeout ", f, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Host=db;Target Session Attributes=prefer-standby", true)]
    [InlineData("Host=db;Target Session Attributes=any", false)]
    [InlineData("Host=db1,db2;Target Session Attributes=prefer-standby", false)]
    [InlineData("Host=db1,db2", false)]
    public void OptionsValidator_TargetSessionAttributesOnOneHost_IsRejected(string connectionString, bool rejected)
    {
        var options = new PenguinMailsInfraOptions { ConnectionString = connectionString };
        options.Replicas.ReadYourWritesTimeout = TimeSpan.FromSeconds(1);

        var result = new PenguinMailsInfraOptionsValidator(new InfraRegistration()).Validate(Options.DefaultName, options);

        Assert.Equal(rejected, result.Failed);
        if (rejected)
        {
            Assert.Contains("Target Session Attributes", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void OptionsValidator_InvalidReplicaTimeout_IsReportedWithTheOthers()
    {
        var options = new PenguinMailsInfraOptions { ConnectionString = "Host=db", MigrationLockTimeout = TimeSpan.Zero };
        options.Replicas.ReadYourWritesTimeout = TimeSpan.FromMinutes(1);

        var result = new PenguinMailsInfraOptionsValidator(new InfraRegistration()).Validate(Options.DefaultName, options);

        Assert.Contains("PenguinMailsInfra:Replicas:ReadYourWritesTimeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("PenguinMailsInfra:MigrationLockTimeout", result.FailureMessage, StringComparison.Ordinal);
    }
}
