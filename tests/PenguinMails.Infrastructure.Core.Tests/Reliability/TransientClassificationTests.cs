using System.Net.Sockets;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;
using PenguinMails.Infrastructure.Core.Reliability;

namespace PenguinMails.Infrastructure.Core.Tests.Reliability;

/// <summary>How server errors translate (by SQLSTATE and declared statement kind), which failures leave a write's outcome unknown, and the retry options' rules.</summary>
public sealed class TransientClassificationTests
{
    /// <summary>Text no server sends in any language: a translation that read it would fail these cases.</summary>
    private const string Nonsense = "update or delete on table x violates foreign key constraint (gibberish: zzz)";

    private static PostgresException Server(string sqlState, string? table = null, string? constraint = null, string? column = null) =>
        new(Nonsense, "FEHLER", "ERROR", sqlState, tableName: table, constraintName: constraint, columnName: column);

    public static TheoryData<string, string, Type> BySqlState() =>
        new()
        {
            { PostgresErrorCodes.UniqueViolation, nameof(Statement.Write), typeof(DuplicateEntityException) },
            { PostgresErrorCodes.ForeignKeyViolation, nameof(Statement.Write), typeof(ReferencedEntityMissingException) },
            { PostgresErrorCodes.ForeignKeyViolation, nameof(Statement.Delete), typeof(EntityInUseException) },
            { PostgresErrorCodes.CheckViolation, nameof(Statement.Write), typeof(EntityValidationException) },
            { PostgresErrorCodes.NotNullViolation, nameof(Statement.Write), typeof(EntityValidationException) },
            { PostgresErrorCodes.StringDataRightTruncation, nameof(Statement.Write), typeof(EntityValidationException) },
            { PostgresErrorCodes.SerializationFailure, nameof(Statement.Read), typeof(ConcurrencyConflictException) },
            { PostgresErrorCodes.DeadlockDetected, nameof(Statement.Write), typeof(ConcurrencyConflictException) },
            { PostgresErrorCodes.LockNotAvailable, nameof(Statement.Write), typeof(ConcurrencyConflictException) },
            { PostgresErrorCodes.InFailedSqlTransaction, nameof(Statement.Write), typeof(UnitOfWorkAbortedException) },
            { PostgresErrorCodes.QueryCanceled, nameof(Statement.Read), typeof(TransientDatabaseException) },
            { PostgresErrorCodes.AdminShutdown, nameof(Statement.Read), typeof(TransientDatabaseException) },
            { PostgresErrorCodes.ReadOnlySqlTransaction, nameof(Statement.Write), typeof(TransientDatabaseException) },
            { PostgresErrorCodes.InvalidPassword, nameof(Statement.Read), typeof(DatabaseConnectionException) },
            { PostgresErrorCodes.InvalidAuthorizationSpecification, nameof(Statement.Write), typeof(DatabaseConnectionException) },
            { PostgresErrorCodes.InvalidCatalogName, nameof(Statement.Read), typeof(DatabaseConnectionException) },
        };

    [Theory]
    [MemberData(nameof(BySqlState))]
    public void Translate_BySqlStateAndDeclaredStatement_WhateverTheMessageSays(string sqlState, string statement, Type expected)
    {
        var driver = Server(sqlState, "staff_role_permissions", "staff_role_permissions_permission_id_fkey", "name");

        var translated = PostgresErrorTranslator.Translate(driver, "Permission", "7", Enum.Parse<Statement>(statement), CancellationToken.None);

        Assert.IsType(expected, translated);
        Assert.Same(driver, translated.InnerException);
    }

    [Fact]
    public void Translate_AuthenticationFailure_NamesTheSqlStateNotTheMessage()
    {
        var translated = Assert.IsType<DatabaseConnectionException>(
            PostgresErrorTranslator.Translate(Server(PostgresErrorCodes.InvalidPassword), "VpsInstance", "x", Statement.Read, CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.InvalidPassword, translated.SqlState);
        Assert.Contains("28P01", translated.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("gibberish", translated.Message, StringComparison.Ordinal);
        Assert.False(translated.IsTransient);
    }

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
