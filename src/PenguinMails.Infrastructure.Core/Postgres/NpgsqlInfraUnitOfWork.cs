using Npgsql;
using PenguinMails.Infrastructure.Core.Vps;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Preferences;
using PenguinMails.Infrastructure.Core.SmtpIps;
using PenguinMails.Infrastructure.Core.Staff;
using PenguinMails.Infrastructure.Core.SystemConfig;
using PenguinMails.Infrastructure.Core.Tenants;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>Starts PostgreSQL units of work on a singleton <see cref="NpgsqlDataSource"/>.</summary>
/// <param name="dataSource">The application's singleton data source.</param>
/// <param name="schema">The schema the tables live in.</param>
/// <param name="timeProvider">The clock for <c>created</c>/<c>updated</c>; the system clock by default.</param>
public sealed class NpgsqlInfraUnitOfWorkFactory(NpgsqlDataSource dataSource, string schema = SchemaName.Default, TimeProvider? timeProvider = null)
    : IInfraUnitOfWorkFactory
{
    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
    private readonly string _schema = SchemaName.Validate(schema);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc />
    public async Task<IInfraUnitOfWork> BeginAsync(CancellationToken cancellationToken = default)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            return new NpgsqlInfraUnitOfWork(connection, transaction, _schema, _time);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            var translated = PostgresErrorTranslator.Translate(ex, "unit of work", "begin", cancellationToken);
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

    public NpgsqlInfraUnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, TimeProvider time)
    {
        _connection = connection;
        _transaction = transaction;
        _time = time;
        _executor = new PgExecutor(connection, transaction, schema, EnsureLive, () => _aborted = true);
    }

    /// <summary>The unit's executor, for statements of services that are not repositories (the IP pool allocator).</summary>
    internal PgExecutor Executor => _executor;

    public IVpsInstanceRepository VpsInstances => field ??= new NpgsqlVpsInstanceRepository(_executor, _time);

    public ISmtpIpAddressRepository SmtpIpAddresses => field ??= new NpgsqlSmtpIpAddressRepository(_executor, _time);

    public IDomainIpAssignmentRepository DomainIpAssignments => field ??= new NpgsqlDomainIpAssignmentRepository(_executor, _time);

    public IStaffRoleRepository StaffRoles => field ??= new NpgsqlStaffRoleRepository(_executor, _time);

    public IPermissionRepository Permissions => field ??= new NpgsqlPermissionRepository(_executor, _time);

    public IStaffMemberRepository StaffMembers => field ??= new NpgsqlStaffMemberRepository(_executor, _time);

    public ISystemConfigRepository SystemConfig => field ??= new NpgsqlSystemConfigRepository(_executor, _time);

    public IFeatureFlagRepository FeatureFlags => field ??= new NpgsqlFeatureFlagRepository(_executor, _time);

    public IUserPreferencesRepository UserPreferences => field ??= new NpgsqlUserPreferencesRepository(_executor, _time);

    public ITenantConfigRepository TenantConfigs => field ??= new NpgsqlTenantConfigRepository(_executor, _time);

    public ITenantPoliciesRepository TenantPolicies => field ??= new NpgsqlTenantPoliciesRepository(_executor, _time);

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        EnsureLive();
        if (_aborted)
        {
            // PostgreSQL would answer COMMIT of an aborted transaction with a silent ROLLBACK; say so instead.
            await RollbackAsync(cancellationToken).ConfigureAwait(false);
            throw new UnitOfWorkAbortedException("an earlier operation failed in the database; nothing was committed");
        }

        try
        {
            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == "25P02")
        {
            throw new UnitOfWorkAbortedException("an earlier operation failed in the database; roll back instead", ex);
        }
        catch (Exception ex) when (ex is NpgsqlException)
        {
            // The connection broke during COMMIT: the server may have committed before the answer was lost.
            throw PgExecutor.MarkOutcomeUnknown(PostgresErrorTranslator.Translate(ex, "unit of work", "commit", cancellationToken), ex);
        }
        finally
        {
            _ended = true;
        }
    }

    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        if (_connection.FullState != System.Data.ConnectionState.Open)
        {
            // The connection broke: the server has discarded the transaction already.
            return;
        }

        try
        {
            await _transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or ObjectDisposedException && _connection.FullState != System.Data.ConnectionState.Open)
        {
            // The connection broke during the rollback: the server discards the transaction.
        }
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

    private void EnsureLive()
    {
        if (_ended)
        {
            throw new UnitOfWorkAbortedException("it has been committed or rolled back");
        }

        if (_aborted && _connection.FullState != System.Data.ConnectionState.Open)
        {
            throw new UnitOfWorkAbortedException("its connection to the database broke and the server discarded its transaction; nothing was committed");
        }
    }
}
