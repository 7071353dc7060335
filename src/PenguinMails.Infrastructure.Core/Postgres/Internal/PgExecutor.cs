using Npgsql;
using PenguinMails.Infrastructure.Core.Replicas;

namespace PenguinMails.Infrastructure.Core.Postgres.Internal;

/// <summary>
/// Runs one command either on a connection of its own from the data source (opened and returned to the pool per call)
/// or on the connection and transaction of a unit of work. Translates errors at the edge.
/// </summary>
/// <remarks>
/// On a multi-host data source every connection goes to the primary (<see cref="DatabaseRoutes.Primary"/>), except the
/// reads a caller declared safe to be stale (<see cref="ExecuteStaleReadAsync"/>, <see cref="PageAsync"/>) made inside a
/// <see cref="ReadRoute.PreferStandby"/> scope outside a unit of work. The route is chosen by the method called, never by
/// the statement's text.
/// </remarks>
internal sealed class PgExecutor
{
    private readonly NpgsqlDataSource? _dataSource;
    private readonly NpgsqlConnection? _connection;
    private readonly NpgsqlTransaction? _transaction;
    private readonly Action? _guard;
    private readonly Action? _onServerError;

    private readonly TransientRetry? _retry;

    private readonly Action<ChangedAreas>? _onChanged;

    private readonly StandbyReads? _standbyReads;

    public PgExecutor(NpgsqlDataSource dataSource, string schema, InfraChangeFeed? changes = null, StandbyReads? standbyReads = null, TransientRetry? retry = null)
    {
        _dataSource = DatabaseRoutes.Primary(dataSource);
        Schema = schema;
        Changes = changes;
        _retry = retry;
        _standbyReads = standbyReads ?? StandbyReads.For(dataSource);
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
    /// Runs <paramref name="sql"/>, which does what <paramref name="statement"/> declares, with the parameters
    /// <paramref name="bind"/> adds, and reads with <paramref name="read"/>. Outside a unit of work, and when transient
    /// retry is on, a transient failure is retried when repeating is safe for the declared kind (see <see cref="TransientRetry"/>).
    /// </summary>
    /// <remarks>
    /// <paramref name="id"/> names the row in error messages; it is formatted (its own <c>ToString()</c>, a typed id's
    /// text) only when an error is translated, so a successful call never formats it.
    /// </remarks>
    public Task<TResult> ExecuteAsync<TKey, TState, TResult>(
        Statement statement,
        string entity,
        TKey id,
        string sql,
        TState state,
        Action<NpgsqlParameterCollection, TState> bind,
        Func<NpgsqlDataReader, TState, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken
    ) => Execute(statement, entity, id, sql, state, bind, read, staleRead: false, cancellationToken);

    /// <summary>
    /// Runs a read the caller declares safe to be stale (a list or a count), like <see cref="ExecuteAsync"/>: on a
    /// standby when the current flow is inside <see cref="ReadRoute.PreferStandby"/>, outside a unit of work, on a
    /// multi-host data source; on the primary otherwise.
    /// </summary>
    public Task<TResult> ExecuteStaleReadAsync<TKey, TState, TResult>(
        string entity,
        TKey id,
        string sql,
        TState state,
        Action<NpgsqlParameterCollection, TState> bind,
        Func<NpgsqlDataReader, TState, CancellationToken, Task<TResult>> read,
        CancellationToken cancellationToken
    ) => Execute(Statement.Read, entity, id, sql, state, bind, read, staleRead: true, cancellationToken);

    private Task<TResult> Execute<TKey, TState, TResult>(
        Statement statement,
        string entity,
        TKey id,
        string sql,
        TState state,
        Action<NpgsqlParameterCollection, TState> bind,
        Func<NpgsqlDataReader, TState, CancellationToken, Task<TResult>> read,
        bool staleRead,
        CancellationToken cancellationToken
    ) =>
        _retry is null
            ? ExecuteOnceAsync(statement, entity, id, sql, state, bind, read, staleRead, cancellationToken)
            : _retry.ExecuteAsync(entity, statement, ct => ExecuteOnceAsync(statement, entity, id, sql, state, bind, read, staleRead, ct), cancellationToken);

    /// <summary>Opens the connection of a call outside a unit of work: the standby route when declared and in scope, else the primary.</summary>
    private ValueTask<NpgsqlConnection> OpenAsync(bool staleRead, CancellationToken cancellationToken) =>
        staleRead && _standbyReads is { } standby && ReadRoute.Current is { Standby: true } decision
            ? standby.OpenAsync(decision.Consistency, cancellationToken)
            : _dataSource!.OpenConnectionAsync(cancellationToken);

    private async Task<TResult> ExecuteOnceAsync<TKey, TState, TResult>(
        Statement statement,
        string entity,
        TKey id,
        string sql,
        TState state,
        Action<NpgsqlParameterCollection, TState> bind,
        Func<NpgsqlDataReader, TState, CancellationToken, Task<TResult>> read,
        bool staleRead,
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
                owned = await OpenAsync(staleRead, cancellationToken).ConfigureAwait(false);
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

            var translated = Failure(ex, entity, id?.ToString() ?? "", statement, sent && _transaction is null && statement != Statement.Read, activity, cancellationToken);
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
    /// <paramref name="map"/> and returns the page, its continuation token from <paramref name="tokenOf"/>. A page is a
    /// read declared safe to be stale (see <see cref="ExecuteStaleReadAsync"/>).
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
        ExecuteStaleReadAsync(
            entity,
            "list",
            sql,
            (state, bind, map, limit, tokenOf),
            static (p, s) => s.bind(p, s.state),
            static (r, s, ct) => PgReads.PageAsync(r, s.map, s.limit, s.tokenOf, ct),
            cancellationToken
        );

    /// <summary>
    /// A page of a table keyed by a uuid, in key order: <paramref name="firstPage"/> (<c>... ORDER BY key LIMIT $1</c>) or
    /// <paramref name="nextPage"/> (<c>... WHERE key &gt; $2 ORDER BY key LIMIT $1</c>), resumed after the key in the
    /// page request's continuation token.
    /// </summary>
    public Task<Page<T>> PageByUuidAsync<T>(
        string entity,
        string firstPage,
        string nextPage,
        PageRequest? page,
        Func<NpgsqlDataReader, T> map,
        Func<T, Guid> keyOf,
        CancellationToken cancellationToken
    )
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        var after = ContinuationToken.DecodeGuid(page.ContinuationToken);
        return PageAsync(
            entity,
            after is null ? firstPage : nextPage,
            (after, page.Limit),
            static (p, s) =>
            {
                p.Int(s.Limit + 1);
                if (s.after is not null)
                {
                    p.Uuid(s.after);
                }
            },
            map,
            page.Limit,
            x => ContinuationToken.Encode(keyOf(x)),
            cancellationToken);
    }

    /// <summary>Runs the delete <paramref name="sql"/> of one row; true when a row was deleted.</summary>
    public Task<bool> DeleteAsync<TKey, TState>(string entity, TKey id, string sql, TState state, Action<NpgsqlParameterCollection, TState> bind, CancellationToken cancellationToken) =>
        ExecuteAsync(Statement.Delete, entity, id, sql, state, bind, PgReads.AffectedAsync, cancellationToken);

    /// <summary>Runs <paramref name="countSql"/> (<c>SELECT count(*) ...</c>, no parameters): a read declared safe to be stale.</summary>
    public Task<long> CountAsync(string entity, string countSql, CancellationToken cancellationToken) =>
        ExecuteStaleReadAsync(entity, "count", countSql, 0, static (_, _) => { }, PgReads.CountAsync, cancellationToken);

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

            var translated = Failure(ex, entity, "bulk import", Statement.Write, committing, activity, cancellationToken);
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
    /// After a transient failure outside a unit of work (a lost server, no primary found, a read-only answer), makes the
    /// multi-host data source ask its hosts again (rate-limited), so a promoted standby is found without waiting for
    /// Npgsql's host recheck interval.
    /// </summary>
    private void RefreshHostStatesAfter(Exception translated)
    {
        if (_dataSource is not null && translated is TransientDatabaseException)
        {
            DatabaseRoutes.RefreshHostStates(_dataSource);
        }
    }

    /// <summary>
    /// A transient failure after a write was sent outside a transaction (or during a commit) leaves its outcome unknown,
    /// unless the server answered with an error that aborts the statement (any SQLSTATE but an administrator or crash
    /// shutdown, which can arrive after the commit).
    /// </summary>
    /// <summary>
    /// The exception a failed call throws: the driver's exception translated, counted when it is a conflict, the host
    /// states refreshed after a failover error, marked outcome-unknown when the write may have been committed, and
    /// recorded on the statement's span.
    /// </summary>
    private Exception Failure(Exception ex, string entity, string id, Statement statement, bool outcomeMayBeUnknown, System.Diagnostics.Activity? activity, CancellationToken cancellationToken)
    {
        var translated = InfraTelemetry.Conflict(PostgresErrorTranslator.Translate(ex, entity, id, statement, cancellationToken));
        RefreshHostStatesAfter(translated);
        if (outcomeMayBeUnknown)
        {
            translated = MarkOutcomeUnknown(translated, ex);
        }

        InfraTelemetry.Failed(activity, translated);
        return translated;
    }

    internal static Exception MarkOutcomeUnknown(Exception translated, Exception driverException) =>
        translated is TransientDatabaseException { CommitOutcomeUnknown: false } transient
        && (driverException is not PostgresException pg
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown)
            ? new TransientDatabaseException(transient.Operation, driverException, commitOutcomeUnknown: true)
            : translated;
}
