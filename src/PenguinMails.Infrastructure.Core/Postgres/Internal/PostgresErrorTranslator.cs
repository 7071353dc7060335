using Npgsql;

namespace PenguinMails.Infrastructure.Core.Postgres.Internal;

/// <summary>
/// Translates PostgreSQL errors into the package's exceptions by SQLSTATE, keeping the driver's exception as the
/// inner exception. Messages name the entity and the constraint's columns, never a value.
/// </summary>
internal static class PostgresErrorTranslator
{
    /// <summary>
    /// The package's exception for <paramref name="exception"/>, by SQLSTATE and the driver's exception types only (never
    /// by message text, which depends on the server's <c>lc_messages</c>); <paramref name="statement"/> is what the
    /// failing statement does, as its caller declared it.
    /// </summary>
    public static Exception Translate(Exception exception, string entity, string id, Statement statement, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            return exception is OperationCanceledException ? exception : new OperationCanceledException(null, exception, cancellationToken);
        }

        if (exception is PostgresException pg)
        {
            var table = pg.TableName;
            var constraint = pg.ConstraintName;
            switch (pg.SqlState)
            {
                case PostgresErrorCodes.UniqueViolation:
                    return new DuplicateEntityException(entity, ColumnsOf(table, constraint, "key") ?? constraint ?? "key", pg);
                case PostgresErrorCodes.ForeignKeyViolation:
                    var field = ColumnsOf(table, constraint, "fkey") ?? constraint ?? "reference";
                    // A delete blocked by a referencing row (TableName is then the referencing table), or an insert or
                    // update whose reference is absent: told apart by what the statement was declared to do. The
                    // package's updates never change a key that other rows refer to.
                    return statement == Statement.Delete
                        ? new EntityInUseException(entity, id, table ?? "another table", pg)
                        : new ReferencedEntityMissingException(entity, field, ReferencedTable(field), null, pg);
                case PostgresErrorCodes.CheckViolation:
                    var column = ColumnsOf(table, constraint, "check") ?? constraint ?? "check";
                    return new EntityValidationException(
                        entity,
                        [new FieldError(column, "check", $"{column} breaks the database constraint '{constraint}'.")],
                        pg
                    );
                case PostgresErrorCodes.NotNullViolation:
                    var nn = pg.ColumnName ?? "column";
                    return new EntityValidationException(entity, [new FieldError(nn, "required", $"{nn} is required.")], pg);
                case PostgresErrorCodes.StringDataRightTruncation:
                case PostgresErrorCodes.NumericValueOutOfRange:
                case PostgresErrorCodes.InvalidTextRepresentation:
                case PostgresErrorCodes.CharacterNotInRepertoire:
                case PostgresErrorCodes.UntranslatableCharacter:
                    return new EntityValidationException(
                        entity,
                        [new FieldError(pg.ColumnName ?? "value", "database_type", $"A value does not fit its column ({pg.SqlState}).")],
                        pg
                    );
                case PostgresErrorCodes.SerializationFailure:
                case PostgresErrorCodes.DeadlockDetected:
                case PostgresErrorCodes.LockNotAvailable:
                    return new ConcurrencyConflictException(entity, id, $"the database reported {pg.SqlState}; retry the whole operation", isTransient: true, pg);
                case PostgresErrorCodes.InFailedSqlTransaction:
                    return new UnitOfWorkAbortedException(UnitOfWorkReasons.EarlierFailure, pg);
                case PostgresErrorCodes.QueryCanceled:
                    return new TransientDatabaseException($"{entity} operation (statement timeout)", pg);
                case PostgresErrorCodes.AdminShutdown:
                case PostgresErrorCodes.CrashShutdown:
                case PostgresErrorCodes.CannotConnectNow:
                    return new TransientDatabaseException($"{entity} operation", pg);
                case PostgresErrorCodes.InvalidPassword:
                    return new DatabaseConnectionException($"{entity} operation", pg.SqlState, "the server rejected the password of the user", pg);
                case PostgresErrorCodes.InvalidAuthorizationSpecification:
                    return new DatabaseConnectionException($"{entity} operation", pg.SqlState, "the server rejected the login (unknown user, or no pg_hba.conf entry allows it)", pg);
                case PostgresErrorCodes.InvalidCatalogName:
                    return new DatabaseConnectionException($"{entity} operation", pg.SqlState, "the database does not exist", pg);
                case PostgresErrorCodes.ReadOnlySqlTransaction:
                    // The server is a standby, or a primary demoted by a failover: the statement was rejected before it
                    // changed anything, and the write route finds the new primary once the failover is over.
                    return new TransientDatabaseException($"{entity} operation (the server is read-only: a standby or a demoted primary)", pg);
                default:
                    return exception;
            }
        }

        if (exception is NpgsqlException noHost && DatabaseRoutes.IsNoSuitableHost(noHost))
        {
            // A multi-host data source found no primary (during a failover): nothing was sent.
            return new TransientDatabaseException($"{entity} operation (no primary server was found)", noHost);
        }

        if (exception is NpgsqlException npgsql && (npgsql.IsTransient || npgsql.InnerException is IOException or System.Net.Sockets.SocketException))
        {
            return new TransientDatabaseException($"{entity} operation", npgsql);
        }

        if (exception is InvalidOperationException { Source: "Npgsql" } ioe)
        {
            // The driver's "connection is not open / broken" family: the connection the statement was to run on died
            // under it. (The statements of the package never misuse a connection, the other source of these.)
            return new TransientDatabaseException($"{entity} operation", ioe);
        }

        return exception;
    }

    /// <summary>
    /// The columns of a constraint, from its name: PostgreSQL's default names (<c>table_col_key</c>, <c>table_col_fkey</c>,
    /// <c>table_col_check</c>, <c>table_pkey</c>) and the package's explicit ones (<c>ck_table_col</c>, <c>ux_table_col</c>,
    /// <c>fk_table_col</c>).
    /// </summary>
    internal static string? ColumnsOf(string? table, string? constraint, string suffix)
    {
        if (table is null || constraint is null)
        {
            return null;
        }

        if (constraint == table + "_pkey")
        {
            return "primary key";
        }

        foreach (var prefix in (ReadOnlySpan<string>)["ck_", "ux_", "fk_", "uq_"])
        {
            if (constraint.StartsWith(prefix + table + "_", StringComparison.Ordinal))
            {
                return constraint[(prefix.Length + table.Length + 1)..];
            }
        }

        var start = table + "_";
        var end = "_" + suffix;
        return constraint.StartsWith(start, StringComparison.Ordinal) && constraint.EndsWith(end, StringComparison.Ordinal) && constraint.Length > start.Length + end.Length
            ? constraint[start.Length..^end.Length]
            : null;
    }

    private static string ReferencedTable(string field) =>
        field switch
        {
            "vps_instance_id" => "vps_instances",
            "smtp_ip_address_id" => "smtp_ip_addresses",
            "domain_id" => "domains",
            "user_id" or "updated_by" => "users",
            "tenant_id" => "tenants",
            "role_id" => "staff_roles",
            "permission_id" => "permissions",
            _ => field,
        };
}
