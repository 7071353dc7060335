using System.Globalization;
using Npgsql;
using PenguinMails.Infrastructure.Core;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Cli;

/// <summary>
/// <c>penguinmails-infra</c>: a thin command line over <see cref="PostgresMigrator"/> (FluentMigrator runs the versions). Exit code 0 on success, 1 when
/// the operation failed, 2 for a usage error; the reason is one line on standard error, never the password.
/// </summary>
internal static class CliApp
{
    public const string ConnectionVariable = "PENGUINMAILS_CONNECTION";
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private const string UsageText = """
        usage: penguinmails-infra <command> [options]

        commands:
          migrate  [--to N] [--create-host-tables]   apply pending versions (up to N)
          rollback --to N                            run down scripts of applied versions above N
          status                                     list applied, pending and drifted versions
          verify                                     compare the live tables, columns, types, defaults, constraints,
                                                     indexes, triggers and functions with what the applied versions
                                                     produce; exit 1 naming every difference
          script   [--from N] [--to N] [--output F]  write one SQL file that applies versions from+1..to
          flags list                                 list the feature flags
          flags explain --key K --subject S          the bucket and the decision of flag K for subject S (a GUID)

        options:
          --connection "<Npgsql connection string>"  or the environment variable PENGUINMAILS_CONNECTION
          --schema NAME                              default public
          --lock-timeout SECONDS                     default 60
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<string, string?> getEnvironment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(getEnvironment);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stdout.WriteLineAsync(UsageText).ConfigureAwait(false);
            return args.Length == 0 ? Usage : Ok;
        }

        Arguments parsed;
        try
        {
            parsed = Arguments.Parse(args);
        }
        catch (FormatException ex)
        {
            await Fail(stderr, ex.Message + " (penguinmails-infra --help)").ConfigureAwait(false);
            return Usage;
        }

        try
        {
            return await ExecuteAsync(parsed, stdout, stderr, getEnvironment, cancellationToken).ConfigureAwait(false);
        }
        catch (PenguinMailsException ex)
        {
            await Fail(stderr, ex.Message).ConfigureAwait(false);
            return Failed;
        }
        catch (PostgresException ex)
        {
            await Fail(stderr, $"PostgreSQL error {ex.SqlState}: {ex.MessageText}").ConfigureAwait(false);
            return Failed;
        }
        catch (NpgsqlException ex)
        {
            await Fail(stderr, "database connection failed: " + ex.Message).ConfigureAwait(false);
            return Failed;
        }
        catch (ArgumentException ex)
        {
            await Fail(stderr, ex.Message).ConfigureAwait(false);
            return Usage;
        }
        catch (IOException ex)
        {
            await Fail(stderr, ex.Message).ConfigureAwait(false);
            return Failed;
        }
        catch (TimeoutException ex)
        {
            await Fail(stderr, ex.Message).ConfigureAwait(false);
            return Failed;
        }
    }

    private static async Task<int> ExecuteAsync(Arguments a, TextWriter stdout, TextWriter stderr, Func<string, string?> getEnvironment, CancellationToken cancellationToken)
    {
        var schema = a.Schema ?? SchemaMigrations.DefaultSchema;
        SchemaMigrations.ValidateSchemaName(schema);
        var options = new MigratorOptions
        {
            Schema = schema,
            CreateHostTables = a.CreateHostTables,
            LockTimeout = a.LockTimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(1),
            AppliedBy = "penguinmails-infra",
        };

        var connectionString = a.Connection ?? getEnvironment(ConnectionVariable);
        if (a.Command == "script")
        {
            // The script is made offline; a connection string is accepted but never opened.
            using var offline = NpgsqlDataSource.Create("Host=localhost");
            var script = new PostgresMigrator(offline, options).GenerateScript(a.From, a.To);
            if (a.Output is { } file)
            {
                await File.WriteAllTextAsync(file, script, cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync($"wrote {file}").ConfigureAwait(false);
            }
            else
            {
                await stdout.WriteAsync(script).ConfigureAwait(false);
            }

            return Ok;
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Fail(stderr, $"no connection string: pass --connection \"...\" or set {ConnectionVariable}").ConfigureAwait(false);
            return Usage;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            // The parser's message may quote the value; say only that it is invalid.
            await Fail(stderr, "the connection string is not a valid Npgsql connection string").ConfigureAwait(false);
            return Usage;
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "penguinmails-infra";
        }

        var target = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await using (dataSource.ConfigureAwait(false))
        {
            if (a.Command == "flags")
            {
                return await RunFlagsAsync(a, new NpgsqlFeatureFlagRepository(dataSource, schema, TimeProvider.System), stdout, stderr, cancellationToken).ConfigureAwait(false);
            }

            return await RunCommandAsync(a, new PostgresMigrator(dataSource, options), target, schema, stdout, stderr, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunCommandAsync(Arguments a, PostgresMigrator migrator, string target, string schema, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        switch (a.Command)
        {
            case "migrate":
            {
                var applied = await migrator.MigrateAsync(a.To, cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync(applied.Count == 0
                    ? $"{target} schema {schema}: nothing to apply"
                    : $"{target} schema {schema}: applied {string.Join(", ", applied)}").ConfigureAwait(false);
                return Ok;
            }

            case "rollback":
            {
                if (a.To is not { } to)
                {
                    await Fail(stderr, "rollback needs --to N").ConfigureAwait(false);
                    return Usage;
                }

                var rolledBack = await migrator.RollbackAsync(to, cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync(rolledBack.Count == 0
                    ? $"{target} schema {schema}: nothing to roll back"
                    : $"{target} schema {schema}: rolled back {string.Join(", ", rolledBack)}").ConfigureAwait(false);
                return Ok;
            }

            case "status":
            {
                var status = await migrator.GetStatusAsync(cancellationToken).ConfigureAwait(false);
                await WriteStatusAsync(stdout, target, status).ConfigureAwait(false);
                return Ok;
            }

            case "verify":
            {
                var result = await migrator.VerifyCatalogAsync(cancellationToken).ConfigureAwait(false);
                var versions = result.Versions.Count == 0 ? "no applied version" : $"versions {string.Join(", ", result.Versions)}";
                if (result.IsClean)
                {
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{target} schema {schema}: catalog matches {versions} ({result.ObjectsCompared} objects)")).ConfigureAwait(false);
                    return Ok;
                }

                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{target} schema {schema}: {result.Differences.Count} difference(s) from {versions}")).ConfigureAwait(false);
                foreach (var difference in result.Differences)
                {
                    await stdout.WriteLineAsync("  " + difference.ToString().ReplaceLineEndings(" ")).ConfigureAwait(false);
                }

                await Fail(stderr, string.Create(CultureInfo.InvariantCulture, $"the catalog of schema {schema} differs from its applied versions in {result.Differences.Count} place(s)")).ConfigureAwait(false);
                return Failed;
            }

            default:
                await Fail(stderr, $"unknown command '{a.Command}' (penguinmails-infra --help)").ConfigureAwait(false);
                return Usage;
        }
    }

    private static async Task<int> RunFlagsAsync(Arguments a, NpgsqlFeatureFlagRepository flags, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (a.FlagsCommand == "list")
        {
            var all = await flags.ListAllAsync(cancellationToken).ConfigureAwait(false);
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{"key",-40} {"state",-8} {"rollout",7}  {"updated",-20}  updated by")).ConfigureAwait(false);
            foreach (var f in all)
            {
                await stdout.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{f.Key,-40} {(f.IsEnabled ? "enabled" : "disabled"),-8} {f.RolloutPercentage,6}%  {f.Updated.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}  {(f.UpdatedBy is { } u ? u.ToString() : "-")}")).ConfigureAwait(false);
            }

            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{all.Count} flag(s)")).ConfigureAwait(false);
            return Ok;
        }

        // Parse has checked both.
        var key = a.Key!;
        var subject = Guid.Parse(a.Subject!, CultureInfo.InvariantCulture);
        var flag = await flags.GetByKeyAsync(key, cancellationToken).ConfigureAwait(false);
        var snapshot = FeatureFlagSnapshot.Create(flag is null ? [] : [flag], TimeProvider.System.GetUtcNow());
        var decision = snapshot.Explain(key, subject);
        await stdout.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{key} {subject:D}: bucket {RolloutBucket.Compute(key, subject)}, {decision}")).ConfigureAwait(false);
        return Ok;
    }

    private static async Task WriteStatusAsync(TextWriter stdout, string target, SchemaStatus status)
    {
        var state = status.Drift.Count > 0 ? "DRIFT" : status.Pending.Count > 0 ? "pending versions" : "up to date";
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{target} schema {status.Schema}: version {status.CurrentVersion} of {SchemaMigrations.LatestVersion}, {state}")).ConfigureAwait(false);
        foreach (var a in status.Applied)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  applied  {a.Version:D4} {a.Name,-40} {a.AppliedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} by {a.AppliedBy} ({a.DurationMs} ms)")).ConfigureAwait(false);
        }

        foreach (var m in status.Pending)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  pending  {m.Version:D4} {m.Name}")).ConfigureAwait(false);
        }

        foreach (var d in status.Drift)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  DRIFT    {d.Version:D4} {d.Name}: applied {d.AppliedChecksum}, package {d.ExpectedChecksum}")).ConfigureAwait(false);
        }

        foreach (var u in status.Unknown)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  unknown  {u.Version:D4} {u.Name} (newer than this tool)")).ConfigureAwait(false);
        }
    }

    private static Task Fail(TextWriter stderr, string message) =>
        stderr.WriteLineAsync("penguinmails-infra: " + message.ReplaceLineEndings(" "));

    private sealed record Arguments(
        string Command,
        string? Connection,
        string? Schema,
        int? To,
        int? From,
        bool CreateHostTables,
        string? Output,
        int? LockTimeoutSeconds,
        string? FlagsCommand = null,
        string? Key = null,
        string? Subject = null)
    {
        public static Arguments Parse(string[] args)
        {
            var command = args[0];
            if (command is not ("migrate" or "rollback" or "status" or "verify" or "script" or "flags"))
            {
                throw new FormatException($"unknown command '{command}'");
            }

            var first = 1;
            string? flagsCommand = null, key = null, subject = null;
            if (command == "flags")
            {
                flagsCommand = args.Length > 1 ? args[1] : null;
                if (flagsCommand is not ("list" or "explain"))
                {
                    throw new FormatException("flags needs a subcommand: list or explain");
                }

                first = 2;
            }

            string? connection = null, schema = null, output = null;
            int? to = null, from = null, lockTimeout = null;
            var createHostTables = false;
            for (var i = first; i < args.Length; i++)
            {
                var arg = args[i];
                string? inline = null;
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
                {
                    inline = arg[(eq + 1)..];
                    arg = arg[..eq];
                }

                string Value()
                {
                    if (inline is not null)
                    {
                        return inline;
                    }

                    if (i + 1 >= args.Length)
                    {
                        throw new FormatException($"{arg} needs a value");
                    }

                    return args[++i];
                }

                int Number()
                {
                    var text = Value();
                    return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                        ? n
                        : throw new FormatException($"{arg} needs a non-negative whole number");
                }

                switch (arg)
                {
                    case "--connection":
                        connection = Value();
                        break;
                    case "--schema":
                        schema = Value();
                        break;
                    case "--to" when command is "migrate" or "rollback" or "script":
                        to = Number();
                        break;
                    case "--from" when command == "script":
                        from = Number();
                        break;
                    case "--output" when command == "script":
                        output = Value();
                        break;
                    case "--key" when flagsCommand == "explain":
                        key = Value();
                        break;
                    case "--subject" when flagsCommand == "explain":
                        subject = Value();
                        break;
                    case "--lock-timeout":
                        lockTimeout = Number();
                        break;
                    case "--create-host-tables" when command == "migrate" && inline is null:
                        createHostTables = true;
                        break;
                    default:
                        // The argument's value is never echoed: it could be a connection string.
                        throw new FormatException($"unknown option {(arg.StartsWith('-') ? arg : "(positional argument)")} for {command}");
                }
            }

            if (flagsCommand == "explain")
            {
                if (string.IsNullOrEmpty(key) || subject is null)
                {
                    throw new FormatException("flags explain needs --key K and --subject S");
                }

                if (!Guid.TryParse(subject, CultureInfo.InvariantCulture, out _))
                {
                    throw new FormatException("--subject must be a GUID (a user or tenant id)");
                }
            }

            return new Arguments(command, connection, schema, to, from, createHostTables, output, lockTimeout, flagsCommand, key, subject);
        }
    }
}
