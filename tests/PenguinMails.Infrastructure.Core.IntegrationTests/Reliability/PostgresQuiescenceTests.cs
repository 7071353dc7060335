using Npgsql;
using PenguinMails.Infrastructure.TestKit.Postgres;
using PenguinMails.Infrastructure.TestKit.Reliability;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>The after-the-test checks see what they are meant to see (so that an empty report means something).</summary>
public sealed class PostgresQuiescenceTests
{
    [PostgresFact]
    public async Task CheckAsync_HeldLockOpenTransactionAndBorrowedConnection_ReportsEach()
    {
        await using var db = await FaultDatabase.CreateAsync("quiescence");
        Assert.Empty(await db.LeftoversAsync());

        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(42)", connection, transaction))
            {
                await command.ExecuteNonQueryAsync();
            }

            var violations = await PostgresQuiescence.CheckAsync(db.AdminConnectionString, db.ConnectionString, [db.DataSource], TimeSpan.Zero);

            Assert.Equal(1, PostgresQuiescence.ConnectionsInUse(db.DataSource));
            Assert.Contains(violations, v => v.Contains("advisory lock 42", StringComparison.Ordinal));
            Assert.Contains(violations, v => v.Contains("idle in transaction", StringComparison.Ordinal));
            Assert.Contains(violations, v => v.Contains("not back in the pool", StringComparison.Ordinal));
        }

        Assert.Equal(0, PostgresQuiescence.ConnectionsInUse(db.DataSource));
        Assert.Empty(await db.LeftoversAsync());
    }
}
