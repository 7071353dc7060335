using System.Net.Sockets;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Reliability;

namespace PenguinMails.Infrastructure.Core.Tests.Reliability;

/// <summary>Which failures leave a write's outcome unknown, which statements count as reads, and the retry options' rules.</summary>
public sealed class TransientClassificationTests
{
    [Theory]
    [InlineData("SELECT id FROM public.vps_instances WHERE id = $1", true)]
    [InlineData("INSERT INTO public.vps_instances (id) VALUES ($1)", false)]
    [InlineData("UPDATE public.vps_instances SET status = $2 WHERE id = $1", false)]
    [InlineData("DELETE FROM public.vps_instances WHERE id = $1", false)]
    [InlineData("COPY public.smtp_ip_addresses (id) FROM STDIN (FORMAT BINARY)", false)]
    public void IsReadOnly_Statement_OnlyPlainSelectIsARead(string sql, bool expected) => Assert.Equal(expected, PgExecutor.IsReadOnly(sql));

    [Fact]
    public void MarkOutcomeUnknown_IoFailure_MarksTheTransientError()
    {
        var driver = new NpgsqlException("Exception while reading from stream", new IOException("reset"));
        var translated = new TransientDatabaseException("VpsInstance operation", driver);

        var marked = Assert.IsType<TransientDatabaseException>(PgExecutor.MarkOutcomeUnknown(translated, driver));

        Assert.True(marked.CommitOutcomeUnknown);
        Assert.Same(driver, marked.InnerException);
        Assert.Equal("VpsInstance operation", marked.Operation);
        Assert.Contains("may or may not have been committed", marked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkOutcomeUnknown_NonTransientError_IsLeftAlone()
    {
        var driver = new NpgsqlException("boom", new SocketException());
        var conflict = new ConcurrencyConflictException("VpsInstance", "x", "test");

        Assert.Same(conflict, PgExecutor.MarkOutcomeUnknown(conflict, driver));
    }

    [Fact]
    public void TransientDatabaseException_Default_OutcomeKnownAndNothingAcknowledged()
    {
        var ex = new TransientDatabaseException("VpsInstance operation", new IOException());

        Assert.False(ex.CommitOutcomeUnknown);
        Assert.True(ex.IsTransient);
        Assert.Contains("nothing was acknowledged", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TransientRetryOptions_Defaults_AreValidAndOff()
    {
        var options = new TransientRetryOptions();

        Assert.False(options.Enabled);
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData(0, 100, 5000, "MaxRetryAttempts")]
    [InlineData(11, 100, 5000, "MaxRetryAttempts")]
    [InlineData(3, -1, 5000, "Delay")]
    [InlineData(3, 31000, 60000, "Delay")]
    [InlineData(3, 200, 100, "MaxDelay")]
    [InlineData(3, 100, 301000, "MaxDelay")]
    public void TransientRetryOptions_OutOfRange_NamesTheSetting(int attempts, int delayMs, int maxDelayMs, string setting)
    {
        var options = new TransientRetryOptions
        {
            MaxRetryAttempts = attempts,
            Delay = TimeSpan.FromMilliseconds(delayMs),
            MaxDelay = TimeSpan.FromMilliseconds(maxDelayMs),
        };

        Assert.Contains(options.Validate(), f => f.StartsWith("TransientRetry:" + setting + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void TransientRetry_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TransientRetry(new TransientRetryOptions { MaxRetryAttempts = 0 }));
    }
}
