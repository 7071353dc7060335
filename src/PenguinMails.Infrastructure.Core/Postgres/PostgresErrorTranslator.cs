using Npgsql;
using PenguinMails.Infrastructure.Core.Internal;

namespace PenguinMails.Infrastructure.Core.Postgres;

/// <summary>
/// Translates PostgreSQL errors into the package's exceptions by SQLSTATE, keeping the driver's exception as the
/// inner exception. Messages name the entity and the constraint's columns, never a value.
/// </summary>
internal static class PostgresErrorTranslator
{
    /// <summary>Named SQLSTATE codes the package handles.</summary>
    internal static class SqlStates
    {
        public const string UniqueViolation = "23505";
        public const string ForeignKeyViolation = "23503";
        public const string CheckViolation = "23514";
        public const string NotNullViolation = "23502";
        public const string StringDataRightTruncation = "22001";
        public const string NumericValueOutOfRange = "22003";
        public const string InvalidTextRepresentation = "22P02";
        public const string CharacterNotInRepertoire = "22021";
        public const string UntranslatableCharacter = "22P05";
        public const string SerializationFailure = "40001";
        public const string DeadlockDetected = "40P01";
        public const string LockNotAvailable = "55P03";
        public const string QueryCanceled = "57014";
        public const string AdminShutdown = "57P01";
        public const string CrashShutdown = "57P02";
        public const string CannotConnectNow = "57P03";
        public const string InFailedTransaction = "25P02";
        public const string ReadOnlySqlTransaction = "25006";
    }

    public static Exception Translate(Exception exception, string entity, string id, CancellationToken cancellationToken)
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
                case SqlStates.UniqueViolation:
                    return new DuplicateEntityException(entity, ColumnsOf(table, constraint, "key") ?? constraint ?? "key", pg);
                case SqlStates.ForeignKeyViolation:
                    var field = ColumnsOf(table, constraint, "fkey") ?? constraint ?? "reference";
                    // A delete (or key change) blocked by a referencing row: PostgreSQL's primary message starts
                    // "update or delete on table" and TableName is the referencing table. (The "still referenced"
                    // wording is only in DETAIL, which Npgsql hides unless Include Error Detail is set.)
                    return pg.MessageText.StartsWith("update or delete on table", StringComparison.Ordinal)
                        ? new EntityInUseException(entity, id, table ?? "another table", pg)
                        : new ReferencedEntityMissingException(entity, field, ReferencedTable(field), null, pg);
                case SqlStates.CheckViolation:
                    var column = ColumnsOf(table, constraint, "check") ?? constraint ?? "check";
                    return new EntityValidationException(
                        entity,
                        [new FieldError(column, "check", $"{column} breaks the database constraint '{constraint}'.")],
                        pg
                    );
                case SqlStates.NotNullViolation:
                    var nn = pg.ColumnName ?? "column";
                    return new EntityValidationException(entity, [new FieldError(nn, "required", $"{nn} is required.")], pg);
                case SqlStates.StringDataRightTruncation:
                case SqlStates.NumericValueOutOfRange:
                case SqlStates.InvalidTextRepresentation:
                case SqlStates.CharacterNotInRepertoire:
                case SqlStates.UntranslatableCharacter:
                    return new EntityValidationException(
                        entity,
                        [new FieldError(pg.ColumnName ?? "value", "database_type", $"A value does not fit its column ({pg.SqlState}).")],
                        pg
                    );
                case SqlStates.SerializationFailure:
                case SqlStates.DeadlockDetected:
                case SqlStates.LockNotAvailable:
                    return new ConcurrencyConflictException(entity, id, $"the database reported {pg.SqlState}; retry the whole operation", isTransient: true, pg);
                case SqlStates.InFailedTransaction:
                    return new UnitOfWorkAbortedException(UnitOfWorkReasons.EarlierFailure, pg);
                case SqlStates.QueryCanceled:
                    return new TransientDatabaseException($"{entity} operation (statement timeout)", pg);
                case SqlStates.AdminShutdown:
                case SqlStates.CrashShutdown:
                case SqlStates.CannotConnectNow:
                    return new TransientDatabaseException($"{entity} operation", pg);
                case SqlStates.ReadOnlySqlTransaction:
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

        if (exception is InvalidOperationException ioe && ioe.Source == "Npgsql" && ioe.Message.Contains("connection", StringComparison.OrdinalIgnoreCase))
        {
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
