using Npgsql;
using PenguinMails.Infrastructure.Core.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>
/// Runs one command either on a connection of its own from the data source (opened and returned to the pool per call)
/// or on the connection and transaction of a unit of work. Translates errors at the edge.
/// </summary>
internal sealed class PgExecutor
{
    private readonly NpgsqlDataSource? _dataSource;
    private readonly NpgsqlConnection? _connection;
    private readonly NpgsqlTransaction? _transaction;
    private readonly Action? _guard;
    private readonly Action? _onServerError;

    private readonly TransientRetry? _retry;

    private readonly Action<ChangedAreas>? _onChanged;

    public PgExecutor(NpgsqlDataSource dataSource, string schema, InfraChangeFeed? changes = null)
    {
        _dataSource = dataSource;
        Schema = schema;
        Changes = changes;
        _retry = TransientRetry.For(dataSource);
    }

    public PgExecutor(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string schema,
        Action guard,
        Action onServerError,
        InfraChangeFeed? changes = null,
        Action<ChangedAreas>? onChanged = null
    )
    {
        _guard = guard;
        _onServerError = onServerError;
        _connection = connection;
        _transaction = transaction;
        Schema = schema;
        Changes = changes;
        _onChanged = onChanged;
    }

    /// <summary>The change feed the writes are reported to (null for repositories built outside a registration).</summary>
    public InfraChangeFeed? Changes { get; }

    /// <summary>
    /// Awaits <paramref name="write"/>, then reports <paramref name="areas"/> as changed: at once outside a unit of work
    /// (so the flag snapshot and the permission cache of this process see the write when the call returns), at the
    /// unit's commit inside one. A failed write reports nothing.
    /// </summary>
    public async Task<T> ReportAsync<T>(Task<T> write, ChangedAreas areas)
    {
        var result = await write.ConfigureAwait(false);
        if (_transaction is not null)
        {
            _onChanged?.Invoke(areas);
        }
        else if (Changes is { } changes)
        {
            await changes.ChangedAsync(areas).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>The validated schema name the tables live in.</summary>
    public string Schema { get; }

    public bool InTransaction => _transaction is not null;

    /// <summary>
    /// Whether <paramref name="sql"/> only reads. Every statement of the repositories is a plain SELECT (a read) or an
    /// INSERT, UPDATE, DELETE or COPY (a write); none calls a function that writes.
    /// </summary>
    internal static bool IsReadOnly(string sql) => sql.StartsWith("SELECT ", StringComparison.Ordinal);

    /// <summary>
    /// Runs <paramref name="sql"/> with the parameters <paramref name="bind"/> adds, and reads with <paramref name="read"/>.
    /// Outside a unit of work, and when transient retry is on for the data source, a transient failure is retried when
    /// repeating is safe (see <see cref="TransientRetry"/>).
    /// </summary>
    /// <remarks>
    /// <paramref name="id"/> names the row in error messages; it is formatted (its own <c>ToString()</c>, a typed id's
    /// text) only when an error is translated, so a successful call never formats it.
    /// </remarks>
    public Task<TResult> ExecuteAsync<TKey, TState, TResult>(
        string entity,
        TKey id,
        string sql,
        TState state,
        Action<NpgsqlParameterCollection, TState> bind,
        Func<NpgsqlDataReader, TState, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken
    ) =>
        _retry is null
            ? ExecuteOnceAsync(entity, id, sql, state, bind, read, cancellationToken)
            : _retry.ExecuteAsync(entity, sql, ct => ExecuteOnceAsync(entity, id, sql, state, bind, read, ct), cancellationToken);

    private async Task<TResult> ExecuteOnceAsync<TKey, TState, TResult>(
        string entity,
        TKey id,
        string sql,
        TState state,
        Action<NpgsqlParameterCollection, TState> bind,
        Func<NpgsqlDataReader, TState, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken
    )
    {
        _guard?.Invoke();

        // Cancelled before anything is sent: the transaction is untouched, as on the in-memory store.
        cancellationToken.ThrowIfCancellationRequested();
        using var activity = InfraTelemetry.StartStatement(entity, sql);
        NpgsqlConnection? owned = null;
        var sent = false;
        try
        {
            var connection = _connection;
            if (connection is null)
            {
                owned = await _dataSource!.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection = owned;
            }

            sent = true;
#pragma warning disable CA2100 // The text is built only from constants and the validated schema name; values are parameters.
            var command = new NpgsqlCommand(sql, connection, _transaction);
#pragma warning restore CA2100
            await using (command.ConfigureAwait(false))
            {
                bind(command.Parameters, state);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await read(reader, state, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or OperationCanceledException)
        {
            // Any error inside a transaction aborts it on the server (a cancelled statement too).
            if (ex is NpgsqlException or OperationCanceledException)
            {
                _onServerError?.Invoke();
            }

            var translated = InfraTelemetry.Conflict(PostgresErrorTranslator.Translate(ex, entity, id?.ToString() ?? "", cancellationToken));
            if (sent && _transaction is null && !IsReadOnly(sql))
            {
                translated = MarkOutcomeUnknown(translated, ex);
            }

            InfraTelemetry.Failed(activity, translated);
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
        }
        catch (Exception ex) when (InfraTelemetry.FailedAndRethrow(activity, ex))
        {
            throw; // Not reached: the filter only records the failure on the span.
        }
        finally
        {
            if (owned is not null)
            {
                await owned.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs the list query <paramref name="sql"/>, which asks for <paramref name="limit"/> + 1 rows, maps the rows with
    /// <paramref name="map"/> and returns the page, its continuation token from <paramref name="tokenOf"/>.
    /// </summary>
    public Task<Page<T>> PageAsync<TState, T>(
        string entity,
        string sql,
        TState state,
        Action<NpgsqlParameterCollection, TState> bind,
        Func<NpgsqlDataReader, T> map,
        int limit,
        Func<T, string> tokenOf,
        CancellationToken cancellationToken
    ) =>
        ExecuteAsync(
            entity,
            "list",
            sql,
            (state, bind, map, limit, tokenOf),
            static (p, s) => s.bind(p, s.state),
            static (r, s, ct) => PgReads.PageAsync(r, s.map, s.limit, s.tokenOf, ct),
            cancellationToken
        );

    /// <summary>
    /// Runs a binary COPY FROM STDIN (<paramref name="copyCommand"/>), writing rows with <paramref name="write"/>, all
    /// or nothing: inside the unit of work's transaction, or else in a transaction of its own that commits only when
    /// the COPY completed. Returns the number of rows copied.
    /// </summary>
    public async Task<ulong> ImportAsync<TState>(
        string entity,
        string copyCommand,
        TState state,
        Func<NpgsqlBinaryImporter, TState, CancellationToken, Task> write,
        CancellationToken cancellationToken
    )
    {
        _guard?.Invoke();

        // Cancelled before anything is sent: the transaction is untouched, as on the in-memory store.
        cancellationToken.ThrowIfCancellationRequested();
        using var activity = InfraTelemetry.StartStatement(entity, copyCommand);
        NpgsqlConnection? owned = null;
        NpgsqlTransaction? ownTransaction = null;
        var committing = false;
        try
        {
            var connection = _connection;
            if (connection is null)
            {
                owned = await _dataSource!.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection = owned;
                ownTransaction = await owned.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            }

            ulong copied;
            var importer = await connection.BeginBinaryImportAsync(copyCommand, cancellationToken).ConfigureAwait(false);
            await using (importer.ConfigureAwait(false))
            {
                await write(importer, state, cancellationToken).ConfigureAwait(false);
                copied = await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            if (ownTransaction is not null)
            {
                committing = true;
                await ownTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return copied;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or OperationCanceledException)
        {
            if (ex is NpgsqlException or OperationCanceledException)
            {
                _onServerError?.Invoke();
            }

            var translated = InfraTelemetry.Conflict(PostgresErrorTranslator.Translate(ex, entity, "bulk import", cancellationToken));
            if (committing)
            {
                translated = MarkOutcomeUnknown(translated, ex);
            }

            InfraTelemetry.Failed(activity, translated);
            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
        }
        catch (Exception ex) when (InfraTelemetry.FailedAndRethrow(activity, ex))
        {
            throw; // Not reached: the filter only records the failure on the span.
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync().ConfigureAwait(false);
            }

            if (owned is not null)
            {
                await owned.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A transient failure after a write was sent outside a transaction (or during a commit) leaves its outcome unknown,
    /// unless the server answered with an error that aborts the statement (any SQLSTATE but an administrator or crash
    /// shutdown, which can arrive after the commit).
    /// </summary>
    internal static Exception MarkOutcomeUnknown(Exception translated, Exception driverException) =>
        translated is TransientDatabaseException { CommitOutcomeUnknown: false } transient
        && (driverException is not PostgresException pg
            || pg.SqlState is PostgresErrorTranslator.SqlStates.AdminShutdown or PostgresErrorTranslator.SqlStates.CrashShutdown)
            ? new TransientDatabaseException(transient.Operation, driverException, commitOutcomeUnknown: true)
            : translated;
}
