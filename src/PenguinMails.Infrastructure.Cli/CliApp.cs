using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net.Sockets;
using Npgsql;
using PenguinMails.Infrastructure.Core;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Cli;

/// <summary>
/// <c>penguinmails-infra</c>: a command line (System.CommandLine) over <see cref="PostgresMigrator"/> and the feature-flag
/// repository. Every failure is one line on standard error that never contains the password; the exit codes are
/// <see cref="Ok"/>, <see cref="Failed"/>, <see cref="Usage"/>, <see cref="NotReached"/>, <see cref="Unreachable"/> and
/// <see cref="Cancelled"/> (docs/migrations.md, "The command line").
/// </summary>
internal static class CliApp
{
    public const string ConnectionVariable = "PENGUINMAILS_CONNECTION";

    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The operation failed: a script, drift, a catalog difference, a lock timeout, authentication, a server error.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: unknown command or option, a value out of range, no connection string, rollback without --yes.</summary>
    public const int Usage = 2;

    /// <summary>The target is not there: the schema is not installed or not at the latest version (status), the database or the flag does not exist.</summary>
    public const int NotReached = 3;

    /// <summary>The PostgreSQL server could not be reached (refused, unknown host, timed out); the message names host and port.</summary>
    public const int Unreachable = 4;

    /// <summary>Ctrl+C or SIGTERM cancelled the command (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    private const string Tool = "penguinmails-infra";
    private const string CancelledMessage =
        "cancelled; nothing more was changed (a version in progress was rolled back by the server)";

    public static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        Func<string, string?> getEnvironment,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(getEnvironment);

        var context = new CliContext(stdout, stderr, getEnvironment);
        var root = CliCommands.Build(context);
        // Help and --version are written here first: the usage lines name the executable as the runtime sees it
        // (the dll's name), and the tool's name is penguinmails-infra.
        using var helpOutput = new StringWriter(CultureInfo.InvariantCulture);
        var invocation = new InvocationConfiguration
        {
            Output = helpOutput,
            Error = stderr,
            EnableDefaultExceptionHandler = false,

            // Program.cs turns Ctrl+C into the cancellation token; the tool waits for the command to stop cleanly.
            ProcessTerminationTimeout = null,
        };

        // "penguinmails-infra help [command]" reads as "penguinmails-infra [command] --help"; no arguments shows the help, exit 2.
        var usageOnly = args.Length == 0;
        if (usageOnly)
        {
            args = ["--help"];
        }
        else if (args[0] == "help")
        {
            args = [.. args[1..], "--help"];
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await context
                .FailAsync(DescribeParseError(parsed) + $" ({Tool} {CommandPath(parsed)}--help)")
                .ConfigureAwait(false);
            return Usage;
        }

        try
        {
            var code = await parsed
                .InvokeAsync(invocation, cancellationToken)
                .ConfigureAwait(false);
            if (code == Cancelled && cancellationToken.IsCancellationRequested)
            {
                // System.CommandLine turns the action's OperationCanceledException into 130 itself.
                await context.FailAsync(CancelledMessage).ConfigureAwait(false);
                return Cancelled;
            }

            await stdout
                .WriteAsync(
                    helpOutput
                        .ToString()
                        .Replace(RootCommand.ExecutableName, Tool, StringComparison.Ordinal)
                )
                .ConfigureAwait(false);
            return usageOnly ? Usage : code;
        }
        catch (Exception ex)
            when (cancellationToken.IsCancellationRequested
                && ex is OperationCanceledException or NpgsqlException or PenguinMailsException
            )
        {
            await context.FailAsync(CancelledMessage).ConfigureAwait(false);
            return Cancelled;
        }
        catch (CliUsageException ex)
        {
            await context.FailAsync(ex.Message).ConfigureAwait(false);
            return Usage;
        }
        catch (MigrationException ex) when (ex.Failure == MigrationFailure.HostTablesMissing)
        {
            await context
                .FailAsync(
                    $"the host tables {string.Join(", ", ex.MissingHostTables)} do not exist in schema '{ex.Schema}' of {context.Target}; they belong to the host platform: create them first, or pass --create-host-tables for minimal stand-ins (development and tests)"
                )
                .ConfigureAwait(false);
            return Failed;
        }
        catch (Exception ex) when (FindConnectionFailure(ex) is { } reason)
        {
            await context
                .FailAsync($"cannot reach PostgreSQL at {context.HostAndPort}: {reason}")
                .ConfigureAwait(false);
            return Unreachable;
        }
        catch (Exception ex)
            when (FindPostgresError(ex) is { } pg
                && pg.SqlState
                    is PostgresErrorCodes.InvalidPassword
                        or PostgresErrorCodes.InvalidAuthorizationSpecification
            )
        {
            await context
                .FailAsync(
                    $"authentication failed for user '{context.User}' at {context.HostAndPort} (the password is not shown): {pg.MessageText}"
                )
                .ConfigureAwait(false);
            return Failed;
        }
        catch (Exception ex)
            when (FindPostgresError(ex) is { SqlState: PostgresErrorCodes.InvalidCatalogName } pg)
        {
            await context
                .FailAsync(
                    $"database '{context.Database}' does not exist on {context.HostAndPort}: {pg.MessageText}"
                )
                .ConfigureAwait(false);
            return NotReached;
        }
        catch (Exception ex)
            when (FindPostgresError(ex)
                    is {
                        SqlState: PostgresErrorCodes.UndefinedTable
                            or PostgresErrorCodes.InvalidSchemaName
                    } pg
            )
        {
            await context
                .FailAsync(
                    $"{pg.MessageText} in {context.Target}: the schema is not installed ({Tool} migrate)"
                )
                .ConfigureAwait(false);
            return NotReached;
        }
        catch (PenguinMailsException ex)
        {
            await context.FailAsync(ex.Message).ConfigureAwait(false);
            return Failed;
        }
        catch (PostgresException ex)
        {
            await context
                .FailAsync(
                    $"PostgreSQL error {ex.SqlState} at {context.HostAndPort}: {ex.MessageText}"
                )
                .ConfigureAwait(false);
            return Failed;
        }
        catch (NpgsqlException ex)
        {
            await context
                .FailAsync($"database error at {context.HostAndPort}: {ex.Message}")
                .ConfigureAwait(false);
            return Failed;
        }
        catch (IOException ex)
        {
            await context.FailAsync(ex.Message).ConfigureAwait(false);
            return Failed;
        }
        catch (UnauthorizedAccessException ex)
        {
            await context.FailAsync(ex.Message).ConfigureAwait(false);
            return Failed;
        }
    }

    /// <summary>The parse error as one line; a token that is not an option is never echoed (it could be a connection string).</summary>
    private static string DescribeParseError(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        if (parsed.UnmatchedTokens.Count > 0)
        {
            var token = parsed.UnmatchedTokens[0];
            if (token.StartsWith('-'))
            {
                // Only the option's name: "--x=value" could carry a secret after the '='.
                var name = token.Split('=', ':')[0];
                return command is RootCommand
                    ? $"unknown option {name}"
                    : $"unknown option {name} for {command.Name}";
            }

            // A word is shown; anything else could be a connection string pasted in the wrong place.
            var shown =
                token.Length <= 40 && token.All(c => char.IsAsciiLetterLower(c) || c == '-')
                    ? $"'{token}'"
                    : "(not shown)";
            return command is RootCommand || command.Subcommands.Count > 0
                ? $"unknown command {shown}{(command.Subcommands.Count > 0 ? $"; {CommandPath(parsed)}commands: {string.Join(", ", command.Subcommands.Select(c => c.Name))}" : "")}"
                : $"unexpected argument {shown} for {command.Name}";
        }

        if (command.Subcommands.Count > 0 && command.Action is null)
        {
            return $"{command.Name} needs a command: {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
        }

        return parsed.Errors[0].Message;
    }

    private static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (
            var result = parsed.CommandResult;
            result is not null && result.Command is not RootCommand;
            result = result.Parent as CommandResult
        )
        {
            names.Insert(0, result.Command.Name);
        }

        return names.Count == 0 ? "" : string.Join(' ', names) + " ";
    }

    /// <summary>A plain reason when the server was never reached (refused, unknown host, timed out), else null.</summary>
    private static string? FindConnectionFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException)
            {
                return null;
            }

            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused =>
                        "connection refused (is the server running and listening on that port?)",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
                        "unknown host",
                    SocketError.TimedOut => "timed out",
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable =>
                        "network unreachable",
                    _ => socket.SocketErrorCode.ToString(),
                };
            }

            if (e is TimeoutException && exception is NpgsqlException or PenguinMailsException)
            {
                return "timed out while connecting";
            }
        }

        return null;
    }

    private static PostgresException? FindPostgresError(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg)
            {
                return pg;
            }
        }

        return null;
    }
}

/// <summary>A usage error found after parsing (a missing connection string, a range across two options, rollback without --yes).</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>The writers, the environment and the connection the commands share; never holds the password in a message.</summary>
internal sealed class CliContext(
    TextWriter stdout,
    TextWriter stderr,
    Func<string, string?> getEnvironment
)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>host:port, known once the connection string is read.</summary>
    public string HostAndPort { get; private set; } = "the server";

    /// <summary>host:port/database.</summary>
    public string Target { get; private set; } = "the database";

    public string Database { get; private set; } = "";

    public string User { get; private set; } = "";

    public Task FailAsync(string message) =>
        Error.WriteLineAsync("penguinmails-infra: " + message.ReplaceLineEndings(" "));

    public Task WriteLineAsync(string line) => Out.WriteLineAsync(line);

    /// <summary>A data source for the connection option or the environment variable.</summary>
    /// <exception cref="CliUsageException">No connection string, or one Npgsql does not accept (its text is not shown).</exception>
    public NpgsqlDataSource OpenDataSource(string? connectionOption)
    {
        var connectionString = connectionOption ?? getEnvironment(CliApp.ConnectionVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new CliUsageException(
                $"no connection string: pass --connection \"...\" or set {CliApp.ConnectionVariable}"
            );
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            // The parser's message may quote the value; say only that it is invalid.
            throw new CliUsageException(
                "the connection string is not a valid Npgsql connection string (its text is not shown)"
            );
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "penguinmails-infra";
        }

        User = builder.Username ?? Environment.UserName;
        Database = builder.Database ?? User;
        HostAndPort = string.Create(
            CultureInfo.InvariantCulture,
            $"{builder.Host ?? "localhost"}:{builder.Port}"
        );
        Target = $"{HostAndPort}/{Database}";
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Whether the schema exists and holds the package's history table.</summary>
    public static async Task<(bool SchemaExists, bool HistoryExists)> ProbeSchemaAsync(
        NpgsqlDataSource dataSource,
        string schema,
        CancellationToken cancellationToken
    )
    {
        var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1), "
                + "EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2)"
        );
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = schema });
            command.Parameters.Add(
                new NpgsqlParameter { Value = SchemaMigrations.HistoryTableName }
            );
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return (reader.GetBoolean(0), reader.GetBoolean(1));
            }
        }
    }
}
