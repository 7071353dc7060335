using System.Buffers.Binary;
using System.Data;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using PenguinMails.Infrastructure.Core.Postgres.Internal;
using PenguinMails.Infrastructure.Core.Postgres.Schema.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres.Schema;

/// <summary>
/// Applies the package's versioned schema scripts (<see cref="SchemaMigrations.All"/>) to a PostgreSQL schema with
/// FluentMigrator, records them in the history table with their checksums, and reports status, drift and differences of
/// the live catalog.
/// </summary>
/// <remarks>
/// <para>
/// FluentMigrator's runner applies and reverts the versions (one <c>[Migration(N)]</c> class per version, each in its
/// own transaction with its history row). Around it the migrator adds what FluentMigrator lacks: a session-level
/// advisory lock keyed by the schema (<see cref="GetAdvisoryLockKey"/>), taken before anything reads the history, so
/// that many instances starting at once migrate once; checksums and drift detection; refusal to roll back past unknown
/// versions; the host-table check; read-only verification; the live catalog check; a DBA script.
/// </para>
/// <para>
/// FluentMigrator works on a connection opened from the data source, never on a connection string, so a data source
/// whose password is not part of its <see cref="NpgsqlDataSource.ConnectionString"/> works as it is.
/// The schema name reaches SQL only as a validated identifier; every value is a parameter.
/// </para>
/// </remarks>
[SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The only text spliced into SQL is the schema name, validated against ^[a-z_][a-z0-9_]{0,62}$ and the reserved keywords; values are parameters.")]
public sealed class PostgresMigrator
{
    private const string LockNotAvailable = PostgresErrorCodes.LockNotAvailable;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly string _selectHistory;
    private readonly bool _createHostTables;
    private readonly TimeSpan _lockTimeout;
    private readonly string? _appliedBy;
    private readonly TimeProvider _timeProvider;
    private readonly IReadOnlyList<SchemaMigration> _migrations;
    private readonly long _lockKey;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="dataSource">The data source (the application's singleton).</param>
    /// <param name="options">The options; null for the defaults (schema <c>public</c>).</param>
    /// <exception cref="ArgumentException">The schema name is not accepted, or the lock timeout is negative.</exception>
    public PostgresMigrator(NpgsqlDataSource dataSource, MigratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        options ??= new MigratorOptions();
        SchemaMigrations.ValidateSchemaName(options.Schema);
        if (options.MigrationLockTimeout < TimeSpan.Zero && options.MigrationLockTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MigratorOptions.MigrationLockTimeout must not be negative.");
        }

        // On a multi-host data source the migrator (its lock, its reads of the history, VerifyOnly too) runs on the primary.
        _dataSource = DatabaseRoutes.Primary(dataSource);
        _schema = options.Schema;
        _createHostTables = options.CreateHostTables;
        _lockTimeout = options.MigrationLockTimeout;
        _appliedBy = options.AppliedBy;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _migrations = SchemaMigrations.All;
        _lockKey = GetAdvisoryLockKey(_schema);

        // Built once, like the repositories' statements: constants plus the validated schema; values are parameters.
        _selectHistory = SchemaName.Render(
            "SELECT version, name, checksum, applied_at, applied_by, duration_ms FROM $(schema)." + SchemaMigrations.HistoryTableName + " ORDER BY version",
            _schema);
    }

    /// <summary>The schema this migrator works on.</summary>
    public string Schema => _schema;

    /// <summary>
    /// The key of the advisory lock for a schema: the first 8 bytes (big-endian) of the SHA-256 of
    /// <c>"penguinmails:" + schema</c>. A DBA can take the same lock with <c>pg_advisory_xact_lock(key)</c>.
    /// </summary>
    /// <param name="schema">The schema name; validated.</param>
    /// <returns>The 64-bit key.</returns>
    public static long GetAdvisoryLockKey(string schema)
    {
        SchemaMigrations.ValidateSchemaName(schema);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("penguinmails:" + schema));
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>Runs the start-up action of a mode: migrate, verify (the history, or also the live catalog), or nothing.</summary>
    /// <param name="mode">The mode.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when done.</returns>
    public async Task RunAsync(MigrationMode mode, CancellationToken cancellationToken = default)
    {
        switch (mode)
        {
            case MigrationMode.Migrate:
                await MigrateAsync(null, cancellationToken).ConfigureAwait(false);
                break;
            case MigrationMode.VerifyOnly:
                await VerifyAsync(cancellationToken).ConfigureAwait(false);
                break;
            case MigrationMode.VerifyCatalog:
                await VerifyAsync(cancellationToken).ConfigureAwait(false);
                var catalog = await VerifyCatalogAsync(cancellationToken).ConfigureAwait(false);
                if (!catalog.IsClean)
                {
                    throw new SchemaCatalogException(catalog);
                }

                break;
            case MigrationMode.Off:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown migration mode.");
        }
    }

    /// <summary>
    /// Applies every pending version up to <paramref name="toVersion"/> (default: the latest) with FluentMigrator, each
    /// in its own transaction together with its history row, under the migration lock. Re-running is a no-op. Never
    /// rolls back.
    /// </summary>
    /// <param name="toVersion">The highest version to apply; null for the latest.</param>
    /// <param name="cancellationToken">Cancels the work; a version in progress is cancelled on the server and rolled back.</param>
    /// <returns>The versions this call applied, ascending (empty when there was nothing to do).</returns>
    /// <exception cref="SchemaDriftException">An applied script has changed since it was applied.</exception>
    /// <exception cref="MigrationException">Host tables are missing, the lock timed out, or a script failed.</exception>
    /// <exception cref="TransientDatabaseException">The connection broke during a script; the server rolled that version back; run again.</exception>
    public async Task<IReadOnlyList<int>> MigrateAsync(int? toVersion = null, CancellationToken cancellationToken = default)
    {
        var target = toVersion ?? SchemaMigrations.LatestVersion;
        if (target < 0 || target > SchemaMigrations.LatestVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(toVersion), toVersion, $"The target version must be between 0 and {SchemaMigrations.LatestVersion}.");
        }

        // A cheap look without the lock first: application instances that start on an up-to-date schema take no lock.
        var before = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfDrift(before.Drift);
        if (!before.Pending.Any(m => m.Version <= target))
        {
            return [];
        }

        var connection = await OpenLockedAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                // Under the lock, before FluentMigrator reads anything: the history as it is now.
                var history = await HistoryTableExistsAsync(connection, null, cancellationToken).ConfigureAwait(false)
                    ? await ReadHistoryAsync(connection, null, cancellationToken).ConfigureAwait(false)
                    : new SortedDictionary<int, AppliedMigration>();
                ThrowIfDrift(FindDrift(history));
                var pending = _migrations.Where(m => m.Version <= target && !history.ContainsKey(m.Version)).ToArray();
                if (pending.Length == 0)
                {
                    return [];
                }

                var missingHostTables = await FindMissingHostTablesAsync(connection, cancellationToken).ConfigureAwait(false);
                if (missingHostTables.Count > 0 && !_createHostTables)
                {
                    throw new MigrationException(
                        MigrationFailure.HostTablesMissing,
                        _schema,
                        $"The host tables {string.Join(", ", missingHostTables)} do not exist in schema '{_schema}'. They belong to the host platform; create them first, or set MigratorOptions.CreateHostTables (CLI: --create-host-tables) for minimal stand-ins in development and tests.")
                    {
                        MissingHostTables = missingHostTables,
                    };
                }

                // The package's history table, created by the package (FluentMigrator would create its own layout).
                await EnsureSchemaAndHistoryAsync(connection, cancellationToken).ConfigureAwait(false);
                if (missingHostTables.Count > 0)
                {
                    await ExecuteAsync(connection, SchemaMigrations.RenderHostTableStandInsDdl(_schema), cancellationToken).ConfigureAwait(false);
                }

                return await RunFluentMigratorAsync(connection, pending, "up", cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await ReleaseLockAsync(connection).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Rolls the schema back to <paramref name="toVersion"/> with FluentMigrator: runs the down scripts of every applied
    /// version above it, highest first, each in its own transaction that also deletes its history row, under the
    /// migration lock. The history table, the schema and the host tables stay.
    /// </summary>
    /// <param name="toVersion">The version to keep (0 removes every table of the package).</param>
    /// <param name="cancellationToken">Cancels the work; a version in progress is cancelled on the server and rolled back.</param>
    /// <returns>The versions this call rolled back, in the order rolled back.</returns>
    /// <exception cref="SchemaDriftException">An applied script has changed since it was applied.</exception>
    /// <exception cref="MigrationException">The lock timed out, a script failed, or an applied version above the target is unknown to this package (nothing is rolled back then).</exception>
    public async Task<IReadOnlyList<int>> RollbackAsync(int toVersion, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(toVersion);
        var connection = await OpenLockedAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                if (!await HistoryTableExistsAsync(connection, null, cancellationToken).ConfigureAwait(false))
                {
                    return [];
                }

                var history = await ReadHistoryAsync(connection, null, cancellationToken).ConfigureAwait(false);
                ThrowIfDrift(FindDrift(history));
                var known = _migrations.Select(m => m.Version).ToHashSet();

                // FluentMigrator ignores versions it has no migration for; the package refuses to cross them.
                var unknown = history.Values.Where(a => a.Version > toVersion && !known.Contains(a.Version)).ToArray();
                if (unknown.Length > 0)
                {
                    var top = unknown[^1];
                    throw new MigrationException(
                        MigrationFailure.UnknownVersion,
                        _schema,
                        $"Cannot roll back schema '{_schema}': version {top.Version} ({top.Name}) is applied but this package has no script for it; nothing was rolled back.",
                        top.Version);
                }

                var down = _migrations.Where(m => m.Version > toVersion && history.ContainsKey(m.Version)).Reverse().ToArray();
                if (down.Length == 0)
                {
                    return [];
                }

                return await RunFluentMigratorAsync(connection, down, "down", cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await ReleaseLockAsync(connection).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Opens a connection; a failure to connect or to log in is a <see cref="MigrationException"/>
    /// (<see cref="MigrationFailure.ConnectionFailed"/>) naming host, port, database and user, never the password.
    /// </summary>
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && DescribeConnectionFailure(ex) is { } reason)
        {
            // The data source's connection string has no password (unless Persist Security Info); only four parts are used.
            var target = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            throw new MigrationException(
                MigrationFailure.ConnectionFailed,
                _schema,
                $"Schema '{_schema}': could not connect to PostgreSQL at {target.Host}:{target.Port} (database '{target.Database}', user '{target.Username}'): {reason}.",
                null,
                ex);
        }
    }

    /// <summary>A one-line reason when the exception means "could not connect or log in" (by SQLSTATE and exception type), else null.</summary>
    private static string? DescribeConnectionFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg when pg.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification:
                    return $"authentication failed (SQLSTATE {pg.SqlState})";
                case PostgresException pg when pg.SqlState == PostgresErrorCodes.InvalidCatalogName:
                    return $"the database does not exist (SQLSTATE {pg.SqlState})";
                case PostgresException:
                    return null;
                case System.Net.Sockets.SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        System.Net.Sockets.SocketError.ConnectionRefused => "connection refused (is the server running and listening on that port?)",
                        System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData or System.Net.Sockets.SocketError.TryAgain => "unknown host",
                        _ => "network error " + socket.SocketErrorCode,
                    };
                case TimeoutException when exception is NpgsqlException:
                    return "timed out while connecting";
            }
        }

        return null;
    }

    /// <summary>Reads the history and compares it with the package's migrations. Changes nothing and takes no lock.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Applied, pending, drifted and unknown versions.</returns>
    public async Task<SchemaStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var history = await HistoryTableExistsAsync(connection, null, cancellationToken).ConfigureAwait(false)
                ? await ReadHistoryAsync(connection, null, cancellationToken).ConfigureAwait(false)
                : new SortedDictionary<int, AppliedMigration>();
            var known = _migrations.Select(m => m.Version).ToHashSet();
            return new SchemaStatus(
                _schema,
                history.Values.Where(a => known.Contains(a.Version)).ToArray(),
                _migrations.Where(m => !history.ContainsKey(m.Version)).ToArray(),
                FindDrift(history),
                history.Values.Where(a => !known.Contains(a.Version)).ToArray());
        }
    }

    /// <summary>
    /// Fails unless every version of the package is applied unchanged. Changes nothing; for applications that start in
    /// <see cref="MigrationMode.VerifyOnly"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The status, when it is up to date.</returns>
    /// <exception cref="SchemaDriftException">An applied script has changed since it was applied.</exception>
    /// <exception cref="MigrationException">With <see cref="MigrationFailure.PendingMigrations"/>: versions are not applied.</exception>
    public async Task<SchemaStatus> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfDrift(status.Drift);
        if (status.Pending.Count > 0)
        {
            var list = string.Join(", ", status.Pending.Select(m => m.ToString()));
            throw new MigrationException(
                MigrationFailure.PendingMigrations,
                _schema,
                $"Schema '{_schema}' is not up to date: {status.Pending.Count} pending version(s): {list}. Run the migrator (or 'penguinmails-infra migrate').")
            {
                PendingVersions = status.Pending.Select(m => m.Version).ToArray(),
            };
        }

        return status;
    }

    /// <summary>
    /// Compares the live catalog of the schema (tables, columns with types, defaults and nullability, constraints,
    /// indexes, triggers, functions) with what the applied versions must have produced, and returns every difference by
    /// name: a dropped index, an altered column type, an added column, a changed default, and so on. Changes nothing.
    /// </summary>
    /// <remarks>
    /// The expected catalog is built in the same database: inside one transaction the applied versions' up scripts run
    /// in a scratch schema (with stand-ins for the host tables), both catalogs are read, and the transaction is rolled
    /// back, so nothing remains. The user needs the right to create a schema in the database. Only the package's
    /// tables and functions are compared: the host's tables and objects of its own in the same schema are not. The
    /// transaction waits for the migration lock, so the check never sees a migration half done.
    /// </remarks>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The differences (empty when the catalog is as expected).</returns>
    /// <exception cref="SchemaDriftException">An applied script has changed since it was applied (the expected catalog is then unknown).</exception>
    /// <exception cref="MigrationException">An applied version is unknown to this package, or the lock timed out.</exception>
    public async Task<CatalogVerification> VerifyCatalogAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var timeoutMs = _lockTimeout == Timeout.InfiniteTimeSpan
                    ? 0
                    : (long)Math.Clamp(Math.Ceiling(_lockTimeout.TotalMilliseconds), 1, int.MaxValue);
                using (var set = new NpgsqlCommand("SELECT set_config('lock_timeout', @value, true), set_config('search_path', 'pg_catalog', true)", connection, transaction))
                {
                    set.Parameters.AddWithValue("value", timeoutMs.ToString(CultureInfo.InvariantCulture));
                    await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    using var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction);
                    lockCommand.Parameters.AddWithValue("key", _lockKey);
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState == LockNotAvailable)
                {
                    throw new MigrationException(
                        MigrationFailure.LockTimeout,
                        _schema,
                        $"Timed out after {_lockTimeout} waiting for the migration lock of schema '{_schema}' (advisory key {_lockKey}) to verify its catalog.",
                        null,
                        ex);
                }

                var history = await HistoryTableExistsAsync(connection, transaction, cancellationToken).ConfigureAwait(false)
                    ? await ReadHistoryAsync(connection, transaction, cancellationToken).ConfigureAwait(false)
                    : new SortedDictionary<int, AppliedMigration>();
                ThrowIfDrift(FindDrift(history));
                var known = _migrations.Select(m => m.Version).ToHashSet();
                if (history.Values.FirstOrDefault(a => !known.Contains(a.Version)) is { } unknown)
                {
                    throw new MigrationException(
                        MigrationFailure.UnknownVersion,
                        _schema,
                        $"Cannot verify the catalog of schema '{_schema}': version {unknown.Version} ({unknown.Name}) is applied but this package has no script for it; verify with the newer package.",
                        unknown.Version);
                }

                var applied = _migrations.Where(m => history.ContainsKey(m.Version)).ToArray();
                var live = await CatalogReader.ReadAsync(connection, transaction, _schema, cancellationToken).ConfigureAwait(false);

                // The expected catalog: the same scripts in a scratch schema of the same database, rolled back below.
                var scratch = "pm_verify_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
                await ExecuteAsync(connection, transaction, $"CREATE SCHEMA {scratch}", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, SchemaMigrations.RenderHostTableStandInsDdl(scratch), cancellationToken).ConfigureAwait(false);
                foreach (var migration in applied)
                {
                    await ExecuteAsync(connection, transaction, migration.RenderUp(scratch), cancellationToken).ConfigureAwait(false);
                }

                var expected = (await CatalogReader.ReadAsync(connection, transaction, scratch, cancellationToken).ConfigureAwait(false))
                    .Select(o => o with { Definition = o.Definition.Replace(scratch, _schema, StringComparison.Ordinal) })
                    .ToList();
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);

                var differences = CompareCatalogs(expected, live);
                return new CatalogVerification(_schema, applied.Select(m => m.Version).ToArray(), differences.Compared, differences.Found);
            }
        }
    }

    /// <summary>
    /// One SQL file a DBA can run (for example <c>psql -v ON_ERROR_STOP=1 -f script.sql</c>) that applies the versions
    /// after <paramref name="fromVersion"/> up to <paramref name="toVersion"/>, each in its own transaction under the
    /// migration lock and with its history row, so that the migrator then sees them as applied.
    /// </summary>
    /// <param name="fromVersion">The version the database is at (default 0: empty).</param>
    /// <param name="toVersion">The last version to include (default: the latest).</param>
    /// <returns>The script, with the schema name in place of the token.</returns>
    public string GenerateScript(int? fromVersion = null, int? toVersion = null)
    {
        var from = fromVersion ?? 0;
        var to = toVersion ?? SchemaMigrations.LatestVersion;
        if (from < 0 || to > SchemaMigrations.LatestVersion || from > to)
        {
            throw new ArgumentOutOfRangeException(nameof(fromVersion), $"Need 0 <= from <= to <= {SchemaMigrations.LatestVersion}; got from {from}, to {to}.");
        }

        var key = _lockKey.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"-- PenguinMails.Infrastructure.Core schema script for schema {_schema}: versions {from + 1} to {to}.\n");
        sb.Append("-- Plain PostgreSQL; run with: psql -v ON_ERROR_STOP=1 -f <this file>. Each version is one transaction.\n");
        if (from == to)
        {
            sb.Append("-- Nothing to apply.\n");
            return sb.ToString();
        }

        sb.Append('\n');
        sb.Append("BEGIN;\n");
        sb.Append(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({key});\n");
        sb.Append(CultureInfo.InvariantCulture, $"CREATE SCHEMA IF NOT EXISTS {_schema};\n");
        sb.Append(SchemaMigrations.RenderHistoryTableDdl(_schema)).Append('\n');
        sb.Append("COMMIT;\n\n");
        var hostTables = string.Join(", ", SchemaMigrations.HostTables.Select(t => "'" + t + "'"));
        sb.Append("-- The host tables must exist (the migrator's CreateHostTables option is not part of this script).\n");
        sb.Append(CultureInfo.InvariantCulture, $"""
            DO $check$
            DECLARE missing text;
            BEGIN
                SELECT string_agg(t, ', ') INTO missing FROM unnest(ARRAY[{hostTables}]) AS t
                WHERE to_regclass('{_schema}.' || t) IS NULL;
                IF missing IS NOT NULL THEN
                    RAISE EXCEPTION 'PenguinMails host tables missing in schema {_schema}: %', missing;
                END IF;
            END
            $check$;

            """);
        foreach (var migration in _migrations.Where(m => m.Version > from && m.Version <= to))
        {
            sb.Append('\n');
            sb.Append(CultureInfo.InvariantCulture, $"-- Version {migration.Version}: {migration.Name} (checksum {migration.Checksum})\n");
            sb.Append("BEGIN;\n");
            sb.Append(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({key});\n");
            sb.Append(migration.RenderUp(_schema).TrimEnd('\n')).Append('\n');
            sb.Append(migration.RenderHistoryInsert(_schema)).Append('\n');
            sb.Append("COMMIT;\n");
        }

        return sb.ToString();
    }

    /// <summary>
    /// Opens a connection from the data source and takes the session-level migration lock on it, waiting at most the
    /// lock timeout. The connection keeps that lock timeout for the scripts it then runs (a script that waits longer on
    /// a table lock fails with <see cref="MigrationFailure.LockTimeout"/>).
    /// </summary>
    private async Task<NpgsqlConnection> OpenLockedAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // lock_timeout is an int of milliseconds; 0 disables it (wait forever).
            var timeoutMs = _lockTimeout == Timeout.InfiniteTimeSpan
                ? 0
                : (long)Math.Clamp(Math.Ceiling(_lockTimeout.TotalMilliseconds), 1, int.MaxValue);
            using (var set = new NpgsqlCommand("SELECT set_config('lock_timeout', @value, false)", connection))
            {
                set.Parameters.AddWithValue("value", timeoutMs.ToString(CultureInfo.InvariantCulture));
                await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                // Session level: held across the versions' transactions until ReleaseLockAsync (or the session's end).
                // It conflicts with the transaction-level lock of the same key that earlier releases and the DBA script take.
                using var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection) { CommandTimeout = 0 };
                lockCommand.Parameters.AddWithValue("key", _lockKey);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == LockNotAvailable)
            {
                var (pid, application, user) = await FindLockHolderAsync(connection, cancellationToken).ConfigureAwait(false);
                var holder = pid is null
                    ? "the holder has since released it"
                    : $"held by pid {pid} (application_name '{application}', user '{user}')";
                throw new MigrationException(
                    MigrationFailure.LockTimeout,
                    _schema,
                    $"Timed out after {_lockTimeout} waiting for the migration lock of schema '{_schema}' (advisory key {_lockKey}); {holder}.",
                    null,
                    ex)
                {
                    LockHolderPid = pid,
                    LockHolderApplication = application,
                };
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases the session lock and the session's lock timeout before the connection goes back to the pool.</summary>
    private async Task ReleaseLockAsync(NpgsqlConnection connection)
    {
        if (connection.FullState != ConnectionState.Open)
        {
            return; // The session is gone, and its lock with it.
        }

        try
        {
            using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key); RESET lock_timeout", connection);
            unlock.Parameters.AddWithValue("key", _lockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The connection broke meanwhile: the server ended the session and released its lock.
        }
    }

    /// <summary>
    /// Runs the given versions one by one through FluentMigrator's runner on the locked connection: <c>MigrateUp(v)</c>
    /// or <c>MigrateDown(v - 1)</c>, one transaction each (script and history row together), one span each.
    /// </summary>
    private async Task<IReadOnlyList<int>> RunFluentMigratorAsync(NpgsqlConnection connection, SchemaMigration[] versions, string direction, CancellationToken cancellationToken)
    {
        var done = new List<int>(versions.Length);
        var recorder = new VersionRecorder(_timeProvider, _appliedBy);
        var pid = connection.ProcessID;

        // FluentMigrator's API is synchronous: a cancellation cancels the running statement on the server instead.
        using var cancelRegistration = cancellationToken.Register(() => _ = CancelBackendAsync(pid));
        using var session = new FluentMigratorSession(connection, _schema, recorder);
        foreach (var migration in versions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var activity = InfraTelemetry.StartMigration(migration.Version, migration.Name, direction, _schema);
            try
            {
                recorder.Start();
                var version = migration.Version;
                await Task.Run(
                    () =>
                    {
                        if (direction == "up")
                        {
                            session.Runner.MigrateUp(version);
                        }
                        else
                        {
                            session.Runner.MigrateDown(version - 1);
                        }
                    },
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not PenguinMailsException)
            {
                var translated = Translate(ex, connection, migration, direction, cancellationToken);
                InfraTelemetry.FailedAndRethrow(activity, translated);
                throw translated;
            }

            done.Add(migration.Version);
        }

        return done;
    }

    private async Task CancelBackendAsync(int pid)
    {
        try
        {
            using var command = _dataSource.CreateCommand("SELECT pg_cancel_backend(@pid)");
            command.Parameters.AddWithValue("pid", pid);
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // Best effort: the version then finishes (or fails) on its own and the loop stops before the next one.
        }
    }

    /// <summary>FluentMigrator wraps the driver's error (with the whole script in its message): the package's typed error instead.</summary>
    private Exception Translate(Exception exception, NpgsqlConnection connection, SchemaMigration migration, string direction, CancellationToken cancellationToken)
    {
        var postgres = FindInner<PostgresException>(exception);
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException($"The {direction} script of version {migration} on schema '{_schema}' was cancelled and rolled back.", (Exception?)postgres ?? exception, cancellationToken);
        }

        if (connection.FullState != ConnectionState.Open)
        {
            // The connection broke (terminated backend, server shutdown): the server rolled the version back.
            return new TransientDatabaseException($"the {direction} script of version {migration} on schema '{_schema}' (rolled back; run again)", (Exception?)postgres ?? FindInner<NpgsqlException>(exception) ?? exception);
        }

        if (postgres is null)
        {
            return new MigrationException(
                MigrationFailure.ScriptFailed,
                _schema,
                $"The {direction} script of version {migration} failed on schema '{_schema}' and was rolled back: {Innermost(exception).Message}",
                migration.Version,
                exception);
        }

        var failure = postgres.SqlState == LockNotAvailable ? MigrationFailure.LockTimeout : MigrationFailure.ScriptFailed;
        return new MigrationException(
            failure,
            _schema,
            $"The {direction} script of version {migration} failed on schema '{_schema}' and was rolled back: {postgres.SqlState}: {postgres.MessageText}",
            migration.Version,
            postgres);
    }

    private static (int Compared, CatalogDifference[] Found) CompareCatalogs(List<CatalogObject> expected, List<CatalogObject> live)
    {
        // Only the package's objects: on the tables the applied versions create (not the host tables nor the
        // history table), and the functions they create or that carry the package's prefix.
        var packageTables = expected.Where(o => o.ObjectType == "table").Select(o => o.Name)
            .Except(SchemaMigrations.HostTables, StringComparer.Ordinal)
            .ToHashSet(StringComparer.Ordinal);
        var expectedFunctions = expected.Where(o => o.ObjectType == "function").Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        bool IsPackage(CatalogObject o) => o.Table is { } table
            ? packageTables.Contains(table)
            : expectedFunctions.Contains(o.Name) || o.Name.StartsWith("penguinmails_", StringComparison.Ordinal);

        static string Key(CatalogObject o) => o.ObjectType + " " + o.Name;
        var want = expected.Where(IsPackage).ToDictionary(Key, StringComparer.Ordinal);
        var have = live.Where(IsPackage).ToDictionary(Key, StringComparer.Ordinal);
        var found = new List<CatalogDifference>();
        foreach (var key in want.Keys.Union(have.Keys).Order(StringComparer.Ordinal))
        {
            want.TryGetValue(key, out var w);
            have.TryGetValue(key, out var h);
            if (w is null)
            {
                found.Add(new CatalogDifference(CatalogDifferenceKind.Unexpected, h!.ObjectType, h.Name, null, h.Definition));
            }
            else if (h is null)
            {
                found.Add(new CatalogDifference(CatalogDifferenceKind.Missing, w.ObjectType, w.Name, w.Definition, null));
            }
            else if (!string.Equals(w.Definition, h.Definition, StringComparison.Ordinal))
            {
                found.Add(new CatalogDifference(CatalogDifferenceKind.Changed, w.ObjectType, w.Name, w.Definition, h.Definition));
            }
        }

        return (want.Count, found.ToArray());
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(int? Pid, string? Application, string? User)> FindLockHolderAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.pid, a.application_name, a.usename
            FROM pg_locks l
            JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid = @classid AND l.objid = @objid AND l.objsubid = 1
            LIMIT 1
            """;
        try
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter<uint>("classid", NpgsqlDbType.Oid) { TypedValue = (uint)((ulong)_lockKey >> 32) });
            command.Parameters.Add(new NpgsqlParameter<uint>("objid", NpgsqlDbType.Oid) { TypedValue = (uint)((ulong)_lockKey & 0xFFFF_FFFF) });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return (reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
                }
            }
        }
        catch (NpgsqlException)
        {
            // Naming the holder is best effort; the timeout itself is reported either way.
        }

        return (null, null, null);
    }

    private async Task EnsureSchemaAndHistoryAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Checked first so that a user without CREATE rights can run against a schema a DBA created.
        using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @schema)", connection))
        {
            exists.Parameters.AddWithValue("schema", _schema);
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                await ExecuteAsync(connection, $"CREATE SCHEMA {_schema}", cancellationToken).ConfigureAwait(false);
            }
        }

        if (!await HistoryTableExistsAsync(connection, null, cancellationToken).ConfigureAwait(false))
        {
            await ExecuteAsync(connection, SchemaMigrations.RenderHistoryTableDdl(_schema), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<string>> FindMissingHostTablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = @schema AND c.relname = ANY(@names) AND c.relkind IN ('r', 'p')
            """;
        using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("schema", _schema);
        command.Parameters.AddWithValue("names", SchemaMigrations.HostTables.ToArray());
        var found = new HashSet<string>(StringComparer.Ordinal);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found.Add(reader.GetString(0));
            }
        }

        return SchemaMigrations.HostTables.Where(t => !found.Contains(t)).ToArray();
    }

    private async Task<bool> HistoryTableExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = @schema AND c.relname = @table AND c.relkind IN ('r', 'p'))
            """;
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("schema", _schema);
        command.Parameters.AddWithValue("table", SchemaMigrations.HistoryTableName);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<SortedDictionary<int, AppliedMigration>> ReadHistoryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var history = new SortedDictionary<int, AppliedMigration>();
        using var command = new NpgsqlCommand(
            _selectHistory,
            connection,
            transaction);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new AppliedMigration(
                    reader.GetInt32(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetString(4),
                    reader.GetInt64(5));
                history[row.Version] = row;
            }
        }

        return history;
    }

    private SchemaDrift[] FindDrift(SortedDictionary<int, AppliedMigration> history) =>
        _migrations
            .Where(m => history.TryGetValue(m.Version, out var a) && !string.Equals(a.Checksum, m.Checksum, StringComparison.OrdinalIgnoreCase))
            .Select(m => new SchemaDrift(m.Version, m.Name, history[m.Version].Checksum, m.Checksum))
            .ToArray();

    private void ThrowIfDrift(IReadOnlyList<SchemaDrift> drift)
    {
        if (drift.Count > 0)
        {
            throw new SchemaDriftException(_schema, drift);
        }
    }
}
