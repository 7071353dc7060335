using Npgsql;
using NpgsqlTypes;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres.Schema;
using PenguinMails.Infrastructure.TestKit.Postgres;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.FeatureFlags;

/// <summary>The SQL function penguinmails_rollout_bucket gives the same bucket as RolloutBucket.Compute.</summary>
public sealed class RolloutBucketSqlTests : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync("rollout_sql"));
        await new PostgresMigrator(_dataSource, new MigratorOptions { CreateHostTables = true }).MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task SqlFunction_TenThousandRandomPairs_EqualsCSharp()
    {
        var random = new Random(42);
        var keys = new string[10_000];
        var subjects = new string[10_000];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = RandomKey(random);
            subjects[i] = i % 4 == 3 ? RandomText(random) : new Guid(RandomBytes(random)).ToString("D");
        }

        await using var command = _dataSource!.CreateCommand(
            "SELECT penguinmails_rollout_bucket(k, s) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(k, s, n) ORDER BY n"
        );
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = subjects, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var sql = new List<int>(keys.Length);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sql.Add(reader.GetInt32(0));
            }
        }

        Assert.Equal(keys.Length, sql.Count);
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.True(RolloutBucket.Compute(keys[i], subjects[i]) == sql[i], $"pair {i}: '{keys[i]}', '{subjects[i]}'");
        }
    }

    [PostgresFact]
    public async Task SqlFunction_PublishedVectors_Match()
    {
        await using var command = _dataSource!.CreateCommand("SELECT penguinmails_rollout_bucket('gr1', '123'), penguinmails_rollout_bucket('groupX', '999'), penguinmails_rollout_bucket('a', NULL)");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();

        Assert.Equal(73, reader.GetInt32(0));
        Assert.Equal(25, reader.GetInt32(1));
        Assert.True(reader.IsDBNull(2));
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string RandomKey(Random random)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789._-";
        var length = random.Next(1, 40);
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });
    }

    private static string RandomText(Random random)
    {
        // Any length 0..12, including multi-byte UTF-8 (é, €, a penguin) so every tail length is hit.
        string[] pieces = ["a", "Z", "9", ":", "é", "€", "\U0001F427", "-", " "];
        var length = random.Next(0, 13);
        return string.Concat(Enumerable.Range(0, length).Select(_ => pieces[random.Next(pieces.Length)]));
    }
}
