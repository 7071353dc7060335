using System.Data;
using FluentMigrator.Runner.Generators.Postgres;
using FluentMigrator.Runner.Initialization;
using FluentMigrator.Runner.Processors;
using FluentMigrator.Runner.Processors.Postgres;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PenguinMails.Infrastructure.Core.Postgres.Schema.Internal;

/// <summary>
/// FluentMigrator's PostgreSQL 15 processor on a connection the package opened from the application's
/// <see cref="NpgsqlDataSource"/> (so FluentMigrator never needs a connection string, whose password a data source
/// does not reveal) and that already holds the migration lock. It never reopens a lost connection (a new session would
/// not hold the lock) and never closes the connection: the package does, after releasing the lock.
/// </summary>
internal sealed class ConnectionProcessor : Postgres15_0Processor
{
    private readonly NpgsqlConnection _connection;

    public ConnectionProcessor(
        PostgresDbFactory factory,
        Postgres15_0Generator generator,
        ILogger<Postgres15_0Processor> logger,
        IOptionsSnapshot<ProcessorOptions> options,
        IConnectionStringAccessor connectionStringAccessor,
        PostgresOptions pgOptions,
        NpgsqlConnection connection)
        : base(factory, generator, logger, options, connectionStringAccessor, pgOptions)
    {
        _connection = connection;
        Connection = connection;
    }

    protected override void EnsureConnectionIsOpen()
    {
        if (_connection.FullState != ConnectionState.Open)
        {
            throw new InvalidOperationException("The migration connection was lost; the migration lock went with it.");
        }
    }

    protected override void EnsureConnectionIsClosed()
    {
        // The package owns the connection.
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2215:Dispose methods should call base class dispose", Justification = "The base disposes the connection, which the package still needs to release the lock; the package disposes it.")]
    protected override void Dispose(bool isDisposing)
    {
        if (isDisposing && Transaction is not null && _connection.FullState == ConnectionState.Open)
        {
            RollbackTransaction();
        }
    }
}
