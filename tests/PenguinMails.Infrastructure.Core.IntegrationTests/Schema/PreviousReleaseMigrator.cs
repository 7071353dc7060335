using System.Buffers.Binary;
using System.Data;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using PenguinMails.Infrastructure.Core.Internal;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Schema;

/// <summary>
/// The previous release's migrator, kept verbatim (renamed) as a test double of a real older deployment: its own
/// transaction-per-version loop with a transaction-level advisory lock and its own history inserts, no FluentMigrator.
/// The interoperability tests run it beside the current, FluentMigrator-based <see cref="PostgresMigrator"/>.
/// </summary>
[SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "The only text spliced into SQL is the schema name, validated against ^[a-z_][a-z0-9_]{0,62}$ and the reserved keywords; values are parameters.")]
internal sealed class PreviousReleaseMigrator
{
    private const string LockNotAvailable = "55P03";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly string _deleteHistoryRow;
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
    public PreviousReleaseMigrator(NpgsqlDataSource dataSource, MigratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        options ??= new MigratorOptions();
        SchemaMigrations.ValidateSchemaName(options.Schema);
        if (options.MigrationLockTimeout < TimeSpan.Zero && options.MigrationLockTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MigratorOptions.MigrationLockTimeout must not be negative.");
        }

        _dataSource = dataSource;
        _schema = options.Schema;
        _createHostTables = options.CreateHostTables;
        _lockTimeout = options.MigrationLockTimeout;
        _appliedBy = options.AppliedBy;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _migrations = SchemaMigrations.All;
        _lockKey = GetAdvisoryLockKey(_schema);

        // Built once, like the repositories' statements: constants plus the validated schema; values are parameters.
        _deleteHistoryRow = SchemaName.Render("DELETE FROM $(schema)." + SchemaMigrations.HistoryTableName + " WHERE version = $1", _schema);
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

    /// <summary>Runs the start-up action of a mode: migrate, verify, or nothing.</summary>
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
            case MigrationMode.Off:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown migration mode.");
        }
    }

    /// <summary>
    /// Applies every pending version up to <paramref name="toVersion"/> (default: the latest), each in its own
    /// transaction under the migration lock. Re-running is a no-op. Never rolls back.
    /// </summary>
    /// <param name="toVersion">The highest version to apply; null for the latest.</param>
    /// <param name="cancellationToken">Cancels the work; a version in progress is rolled back.</param>
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

        var applied = new List<int>();
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    await EnsureSchemaAndHistoryAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    var history = await ReadHistoryAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    ThrowIfDrift(FindDrift(history));
                    var next = _migrations.FirstOrDefault(m => m.Version <= target && !history.ContainsKey(m.Version));
                    if (next is null)
                    {
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return applied;
                    }

                    using var activity = InfraTelemetry.StartMigration(next.Version, next.Name, "up", _schema);
                    try
                    {
                        await EnsureHostTablesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                        var started = _timeProvider.GetTimestamp();
                        await ExecuteScriptAsync(connection, transaction, next, next.RenderUp(_schema), "up", cancellationToken).ConfigureAwait(false);
                        var duration = (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds;
                        await InsertHistoryAsync(connection, transaction, next, duration, cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (InfraTelemetry.FailedAndRethrow(activity, ex))
                    {
                        throw; // Not reached: the filter only records the failure on the span.
                    }

                    applied.Add(next.Version);
                }
            }
        }
    }

    /// <summary>
    /// Rolls the schema back to <paramref name="toVersion"/>: runs the down scripts of every applied version above it,
    /// highest first, each in its own transaction under the migration lock, removing its history row.
    /// </summary>
    /// <param name="toVersion">The version to keep (0 removes every table of the package).</param>
    /// <param name="cancellationToken">Cancels the work; a version in progress is rolled back.</param>
    /// <returns>The versions this call rolled back, in the order rolled back.</returns>
    /// <exception cref="SchemaDriftException">An applied script has changed since it was applied.</exception>
    /// <exception cref="MigrationException">The lock timed out, a script failed, or an applied version is unknown.</exception>
    public async Task<IReadOnlyList<int>> RollbackAsync(int toVersion, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(toVersion);
        var rolledBack = new List<int>();
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    if (!await HistoryTableExistsAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
                    {
                        return rolledBack;
                    }

                    var history = await ReadHistoryAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    ThrowIfDrift(FindDrift(history));
                    var top = history.Keys.Where(v => v > toVersion).DefaultIfEmpty(0).Max();
                    if (top == 0)
                    {
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return rolledBack;
                    }

                    var migration = _migrations.FirstOrDefault(m => m.Version == top)
                        ?? throw new MigrationException(
                            MigrationFailure.UnknownVersion,
                            _schema,
                            $"Cannot roll back schema '{_schema}': version {top} ({history[top].Name}) is applied but this package has no script for it.",
                            top);
                    using var activity = InfraTelemetry.StartMigration(migration.Version, migration.Name, "down", _schema);
                    try
                    {
                        await ExecuteScriptAsync(connection, transaction, migration, migration.RenderDown(_schema), "down", cancellationToken).ConfigureAwait(false);
                        using (var delete = new NpgsqlCommand(_deleteHistoryRow, connection, transaction))
                        {
                            delete.Parameters.Add(new NpgsqlParameter<int> { TypedValue = top });
                            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }

                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (InfraTelemetry.FailedAndRethrow(activity, ex))
                    {
                        throw; // Not reached: the filter only records the failure on the span.
                    }

                    rolledBack.Add(top);
                }
            }
        }
    }

    /// <summary>Reads the history and compares it with the package's migrations. Changes nothing and takes no lock.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>Applied, pending, drifted and unknown versions.</returns>
    public async Task<SchemaStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // lock_timeout is an int of milliseconds; 0 disables it (wait forever).
        var timeoutMs = _lockTimeout == Timeout.InfiniteTimeSpan
            ? 0
            : (long)Math.Clamp(Math.Ceiling(_lockTimeout.TotalMilliseconds), 1, int.MaxValue);
        using (var set = new NpgsqlCommand("SELECT set_config('lock_timeout', @value, true)", connection, transaction))
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
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
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

    private async Task EnsureSchemaAndHistoryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Checked first so that a user without CREATE rights can run an up-to-date or pre-created schema.
        using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @schema)", connection, transaction))
        {
            exists.Parameters.AddWithValue("schema", _schema);
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                using var create = new NpgsqlCommand($"CREATE SCHEMA {_schema}", connection, transaction);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (!await HistoryTableExistsAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
        {
            using var create = new NpgsqlCommand(SchemaMigrations.RenderHistoryTableDdl(_schema), connection, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EnsureHostTablesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var missing = await FindMissingHostTablesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (missing.Count == 0)
        {
            return;
        }

        if (!_createHostTables)
        {
            throw new MigrationException(
                MigrationFailure.HostTablesMissing,
                _schema,
                $"The host tables {string.Join(", ", missing)} do not exist in schema '{_schema}'. They belong to the host platform; create them first, or set MigratorOptions.CreateHostTables (CLI: --create-host-tables) for minimal stand-ins in development and tests.")
            {
                MissingHostTables = missing,
            };
        }

        using var create = new NpgsqlCommand(SchemaMigrations.RenderHostTableStandInsDdl(_schema), connection, transaction);
        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<string>> FindMissingHostTablesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = @schema AND c.relname = ANY(@names) AND c.relkind IN ('r', 'p')
            """;
        using var command = new NpgsqlCommand(sql, connection, transaction);
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

    private async Task ExecuteScriptAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SchemaMigration migration, string sql, string direction, CancellationToken cancellationToken)
    {
        try
        {
            using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            if (connection.FullState != ConnectionState.Open)
            {
                // The connection broke (terminated backend, server shutdown): the server rolled the version back.
                throw new TransientDatabaseException($"the {direction} script of version {migration} on schema '{_schema}' (rolled back; run again)", ex);
            }

            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            var failure = ex.SqlState == LockNotAvailable ? MigrationFailure.LockTimeout : MigrationFailure.ScriptFailed;
            throw new MigrationException(
                failure,
                _schema,
                $"The {direction} script of version {migration} failed on schema '{_schema}' and was rolled back: {ex.SqlState}: {ex.MessageText}",
                migration.Version,
                ex);
        }
    }

    private async Task InsertHistoryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SchemaMigration migration, long durationMs, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {_schema}.{SchemaMigrations.HistoryTableName} (version, name, checksum, applied_at, applied_by, duration_ms)
            VALUES (@version, @name, @checksum, @applied_at, COALESCE(@applied_by, current_user), @duration_ms)
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("version", migration.Version);
        command.Parameters.AddWithValue("name", migration.Name);
        command.Parameters.AddWithValue("checksum", migration.Checksum);
        command.Parameters.AddWithValue("applied_at", _timeProvider.GetUtcNow().ToUniversalTime());
        command.Parameters.Add(new NpgsqlParameter<string?>("applied_by", NpgsqlDbType.Varchar)
        {
            TypedValue = _appliedBy is { Length: > 255 } ? _appliedBy[..255] : _appliedBy,
        });
        command.Parameters.AddWithValue("duration_ms", durationMs);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
