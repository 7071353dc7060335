using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>Starts PostgreSQL units of work on a singleton <see cref="NpgsqlDataSource"/>.</summary>
/// <param name="dataSource">The application's singleton data source.</param>
/// <param name="schema">The schema the tables live in.</param>
/// <param name="timeProvider">The clock for <c>created</c>/<c>updated</c>; the system clock by default.</param>
public sealed class NpgsqlInfraUnitOfWorkFactory(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
    : IInfraUnitOfWorkFactory
{
    // On a multi-host data source a unit of work always runs on the primary.
    private readonly NpgsqlDataSource _dataSource = DatabaseRoutes.Primary(dataSource ?? throw new ArgumentNullException(nameof(dataSource)));
    private readonly string _schema = SchemaName.Validate(schema);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    internal NpgsqlInfraUnitOfWorkFactory(NpgsqlDataSource dataSource, string schema, TimeProvider timeProvider, InfraChangeFeed? changes)
        : this(dataSource, schema, timeProvider)
    {
        Changes = changes;
    }

    /// <summary>Where the units' committed writes to flags and staff tables are reported.</summary>
    internal InfraChangeFeed? Changes { get; }

    /// <inheritdoc />
    public async Task<IInfraUnitOfWork> BeginAsync(CancellationToken cancellationToken = default)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            return new NpgsqlInfraUnitOfWork(connection, transaction, _schema, _time, Changes);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            var translated = PostgresErrorTranslator.Translate(ex, "unit of work", "begin", Statement.Write, cancellationToken);
            if (translated is TransientDatabaseException)
            {
                DatabaseRoutes.RefreshHostStates(_dataSource);
            }

            if (ReferenceEquals(translated, ex))
            {
                throw;
            }

            throw translated;
        }
    }
}

internal sealed class NpgsqlInfraUnitOfWork : IInfraUnitOfWork
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly PgExecutor _executor;
    private readonly TimeProvider _time;
    private bool _ended;
    private bool _aborted;

    private readonly InfraChangeFeed? _changes;
    private ChangedAreas _changed;

    public NpgsqlInfraUnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, TimeProvider time, InfraChangeFeed? changes = null)
    {
        _connection = connection;
        _transaction = transaction;
        _time = time;
        _changes = changes;
        _executor = new PgExecutor(connection, transaction, schema, EnsureLive, () => _aborted = true, changes, areas => _changed |= areas);
    }

    /// <summary>The unit's executor, for statements of services that are not repositories (the IP pool allocator).</summary>
    internal PgExecutor Executor => _executor;

    public IVpsInstanceRepository VpsInstances => field ??= new NpgsqlVpsInstanceRepository(_executor, _time);

    public ISmtpIpAddressRepository SmtpIpAddresses => field ??= new NpgsqlSmtpIpAddressRepository(_executor, _time);

    public IDomainIpAssignmentRepository DomainIpAssignments => field ??= new NpgsqlDomainIpAssignmentRepository(_executor, _time);

    public IStaffRoleRepository StaffRoles => field ??= new NpgsqlStaffRoleRepository(_executor, _time);

    public IPermissionRepository Permissions => field ??= new NpgsqlPermissionRepository(_executor, _time);

    public IStaffMemberRepository StaffMembers => field ??= new NpgsqlStaffMemberRepository(_executor, _time);

    public ISystemConfigRepository SystemConfigs => field ??= new NpgsqlSystemConfigRepository(_executor, _time);

    public IFeatureFlagRepository FeatureFlags => field ??= new NpgsqlFeatureFlagRepository(_executor, _time);

    public IUserPreferencesRepository UserPreferences => field ??= new NpgsqlUserPreferencesRepository(_executor, _time);

    public ITenantConfigRepository TenantConfigs => field ??= new NpgsqlTenantConfigRepository(_executor, _time);

    public ITenantPoliciesRepository TenantPolicies => field ??= new NpgsqlTenantPoliciesRepository(_executor, _time);

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            throw new UnitOfWorkAbortedException(UnitOfWorkReasons.Ended);
        }

        if (_aborted)
        {
            // PostgreSQL would answer COMMIT of an aborted transaction with a silent ROLLBACK; say so instead.
            await RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw new UnitOfWorkAbortedException(
                _connection.FullState == System.Data.ConnectionState.Open ? UnitOfWorkReasons.EarlierFailureNothingCommitted : UnitOfWorkReasons.ConnectionBroke
            );
        }

        if (cancellationToken.IsCancellationRequested)
        {
            // Cancelled before COMMIT is sent: roll back, so the outcome is known (nothing committed).
            await RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw new OperationCanceledException(cancellationToken);
        }

        try
        {
            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == "25P02")
        {
            throw new UnitOfWorkAbortedException(UnitOfWorkReasons.EarlierFailure, ex);
        }
        catch (Exception ex) when (ex is NpgsqlException)
        {
            // The connection broke during COMMIT: the server may have committed before the answer was lost.
            throw PgExecutor.MarkOutcomeUnknown(PostgresErrorTranslator.Translate(ex, "unit of work", "commit", Statement.Write, cancellationToken), ex);
        }
        finally
        {
            _ended = true;
        }

        // Committed: the flag snapshot and permission cache of this process see the unit's writes from now on.
        if (_changes is not null && _changed != ChangedAreas.None)
        {
            await _changes.ChangedAsync(_changed).ConfigureAwait(false);
        }
    }

    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return;
        }

        // The rollback always happens (it is not cancellable: leaving the transaction open would hold its locks until
        // the connection is disposed); a cancelled token is reported afterwards, as on the in-memory store.
        _ended = true;
        if (_connection.FullState == System.Data.ConnectionState.Open)
        {
            try
            {
                await _transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException && _connection.FullState != System.Data.ConnectionState.Open)
            {
                // The connection broke during the rollback: the server discards the transaction.
            }
        }

        // Otherwise the connection broke: the server has discarded the transaction already.
        cancellationToken.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_ended && _connection.FullState == System.Data.ConnectionState.Open)
            {
                _ended = true;
                await _transaction.RollbackAsync().ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // The connection broke: the server discards the transaction; the broken connection is not pooled.
        }
        finally
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs before every statement of the unit, before its token is looked at (the same order as the in-memory store):
    /// an ended or aborted unit fails at once, without a round trip that PostgreSQL would answer with 25P02.
    /// </summary>
    private void EnsureLive()
    {
        if (_ended)
        {
            throw new UnitOfWorkAbortedException(UnitOfWorkReasons.Ended);
        }

        if (_aborted)
        {
            throw new UnitOfWorkAbortedException(
                _connection.FullState == System.Data.ConnectionState.Open ? UnitOfWorkReasons.EarlierFailure : UnitOfWorkReasons.ConnectionBroke
            );
        }
    }
}
