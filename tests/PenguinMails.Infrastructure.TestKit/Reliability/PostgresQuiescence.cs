using System.Diagnostics.Metrics;
using System.Globalization;
using Npgsql;

namespace PenguinMails.Infrastructure.TestKit.Reliability;

/// <summary>
/// The after-the-test checks of "nothing lost" on PostgreSQL: no advisory lock held in the database, no session of
/// it idle in a transaction (or still running a statement), and every connection of a data source back in its pool.
/// Runs from the admin connection, so the check itself holds nothing in the database.
/// </summary>
public static class PostgresQuiescence
{
    /// <summary>
    /// Every violation, or an empty list. Sessions are those connected to the database of
    /// <paramref name="connectionString"/> (other than the checker's); waits up to <paramref name="settle"/> (default
    /// 5 s) for sessions the server is still closing.
    /// </summary>
    /// <param name="adminConnectionString">A connection string to another database of the server (for example <c>postgres</c>).</param>
    /// <param name="connectionString">The connection string of the database under test.</param>
    /// <param name="dataSources">Data sources whose pools must have no connection in use.</param>
    /// <param name="settle">How long to wait for the state to settle; 5 s when null.</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <returns>The violations.</returns>
    public static async Task<IReadOnlyList<string>> CheckAsync(
        string adminConnectionString,
        string connectionString,
        IReadOnlyList<NpgsqlDataSource>? dataSources = null,
        TimeSpan? settle = null,
        CancellationToken cancellationToken = default
    )
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database
            ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        var deadline = DateTime.UtcNow + (settle ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var violations = await CheckOnceAsync(adminConnectionString, database, dataSources ?? [], cancellationToken).ConfigureAwait(false);
            if (violations.Count == 0 || DateTime.UtcNow >= deadline)
            {
                return violations;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many connections of <paramref name="dataSource"/>'s pool are in use now (from Npgsql's metrics).</summary>
    /// <param name="dataSource">The data source.</param>
    /// <returns>The count.</returns>
    public static long ConnectionsInUse(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        long used = 0;
        var found = false;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Npgsql" && instrument.Name == "db.client.connection.count")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) => Add(value, tags));
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return found ? used : 0;

        void Add(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? pool = null;
            string? state = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "db.client.connection.pool.name")
                {
                    pool = tag.Value as string;
                }
                else if (tag.Key == "db.client.connection.state")
                {
                    state = tag.Value as string;
                }
            }

            if (state == "used" && pool is not null && pool == dataSource.ConnectionString)
            {
                found = true;
                used += value;
            }
        }
    }

    private static async Task<List<string>> CheckOnceAsync(string adminConnectionString, string database, IReadOnlyList<NpgsqlDataSource> dataSources, CancellationToken cancellationToken)
    {
        var violations = new List<string>();
        var admin = new NpgsqlConnection(adminConnectionString);
        await using (admin.ConfigureAwait(false))
        {
            await admin.OpenAsync(cancellationToken).ConfigureAwait(false);
            const string locks = """
                SELECT l.pid, l.objid::bigint, a.application_name
                FROM pg_locks l JOIN pg_database d ON d.oid = l.database LEFT JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND d.datname = $1
                """;
            await foreach (var row in QueryAsync(admin, locks, database, cancellationToken).ConfigureAwait(false))
            {
                violations.Add($"advisory lock {row[1]} still held by pid {row[0]} ({row[2]}) in database {database}.");
            }

            const string sessions = """
                SELECT pid, state, application_name, left(query, 200)
                FROM pg_stat_activity
                WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                  AND state IS DISTINCT FROM 'idle'
                """;
            await foreach (var row in QueryAsync(admin, sessions, database, cancellationToken).ConfigureAwait(false))
            {
                violations.Add($"session pid {row[0]} ({row[2]}) of database {database} is '{row[1]}' after the test: {row[3]}");
            }
        }

        foreach (var dataSource in dataSources)
        {
            var inUse = ConnectionsInUse(dataSource);
            if (inUse != 0)
            {
                violations.Add(string.Create(CultureInfo.InvariantCulture, $"{inUse} connections of a data source are still in use (not back in the pool)."));
            }
        }

        return violations;
    }

    private static async IAsyncEnumerable<string?[]> QueryAsync(
        NpgsqlConnection connection,
        string sql,
        string database,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken
    )
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var row = new string?[reader.FieldCount];
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
                    }

                    yield return row;
                }
            }
        }
    }
}
