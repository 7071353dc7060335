using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Cli;

/// <summary>The command tree: options are typed and checked while parsing, so a wrong value is a usage error (exit 2) before any connection is opened.</summary>
internal static class CliCommands
{
    private static readonly string[] s_truthy = ["true", "yes", "on", "1"];
    private static readonly string[] s_falsy = ["false", "no", "off", "0"];

    public static RootCommand Build(CliContext context)
    {
        var connection = new Option<string?>("--connection")
        {
            Description =
                $"The Npgsql connection string (or set {CliApp.ConnectionVariable}); the password is never printed",
            HelpName = "CONNECTION",
            Recursive = true,
        };
        var schema = new Option<string>("--schema")
        {
            Description = "The PostgreSQL schema of the package's tables",
            HelpName = "NAME",
            Recursive = true,
            DefaultValueFactory = _ => SchemaMigrations.DefaultSchema,
        };
        schema.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!SchemaMigrations.IsValidSchemaName(value))
            {
                result.AddError(
                    $"--schema '{value}' is not accepted: lowercase letters, digits and _, starting with a letter or _, at most 63 characters, not a reserved word"
                );
            }
        });
        var lockTimeout = new Option<int>("--lock-timeout")
        {
            Description = "Seconds to wait for the migration lock of the schema",
            HelpName = "SECONDS",
            Recursive = true,
            DefaultValueFactory = _ => 60,
            CustomParser = r =>
                ParseWholeNumber(r, "--lock-timeout", int.MaxValue, "a number of seconds"),
        };

        var root = new RootCommand(
            "penguinmails-infra: applies, rolls back, reports, verifies and exports the PenguinMails.Infrastructure.Core schema; lists and explains feature flags.\n"
                + "Exit codes: 0 ok, 1 failed, 2 usage error, 3 target not reached (schema not installed or not up to date, database or flag not found), 4 server unreachable, 130 cancelled."
        )
        {
            connection,
            schema,
            lockTimeout,
        };

        var global = new GlobalOptions(connection, schema, lockTimeout);
        root.Subcommands.Add(MigrateCommand(context, global));
        root.Subcommands.Add(RollbackCommand(context, global));
        root.Subcommands.Add(StatusCommand(context, global));
        root.Subcommands.Add(VerifyCommand(context, global));
        root.Subcommands.Add(ScriptCommand(context, global));
        root.Subcommands.Add(FlagsCommand(context, global));
        return root;
    }

    private static Command MigrateCommand(CliContext context, GlobalOptions global)
    {
        var to = VersionOption("--to", "The highest version to apply (default: the latest)");
        var createHostTables = SwitchOption(
            "--create-host-tables",
            "Create minimal stand-ins for the host tables users, tenants and domains when they are missing (development and tests); alone or =true/false, yes/no"
        );
        var command = new Command(
            "migrate",
            "Apply the pending versions (up to --to) under the migration lock"
        )
        {
            to,
            createHostTables,
        };
        command.SetAction(
            async (parsed, cancellationToken) =>
            {
                var (dataSource, migrator, schemaName) = global.Open(
                    context,
                    parsed,
                    IsOn(parsed, createHostTables)
                );
                await using (dataSource.ConfigureAwait(false))
                {
                    var applied = await migrator
                        .MigrateAsync(parsed.GetValue(to), cancellationToken)
                        .ConfigureAwait(false);
                    await context
                        .WriteLineAsync(
                            applied.Count == 0
                                ? $"{context.Target} schema {schemaName}: nothing to apply"
                                : $"{context.Target} schema {schemaName}: applied {string.Join(", ", applied)}"
                        )
                        .ConfigureAwait(false);
                    return CliApp.Ok;
                }
            }
        );
        return command;
    }

    private static Command RollbackCommand(CliContext context, GlobalOptions global)
    {
        var to = VersionOption(
            "--to",
            "The version to keep; the down scripts of every applied version above it run (0 drops every table of the package)"
        );
        to.Required = true;
        var yes = new Option<bool>("--yes")
        {
            Description =
                "Roll back without asking: the tables the plan lists are dropped with their rows",
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description =
                "Only print the plan: the versions, the tables that would be dropped and their row counts",
        };
        var command = new Command(
            "rollback",
            "Run the down scripts of the applied versions above --to (needs --yes, or --dry-run for the plan)"
        )
        {
            to,
            yes,
            dryRun,
        };
        command.SetAction(
            async (parsed, cancellationToken) =>
            {
                var target = parsed.GetValue(to)!.Value;
                var (dataSource, migrator, schemaName) = global.Open(
                    context,
                    parsed,
                    createHostTables: false
                );
                await using (dataSource.ConfigureAwait(false))
                {
                    if (parsed.GetValue(yes) && !parsed.GetValue(dryRun))
                    {
                        var rolledBack = await migrator
                            .RollbackAsync(target, cancellationToken)
                            .ConfigureAwait(false);
                        await context
                            .WriteLineAsync(
                                rolledBack.Count == 0
                                    ? $"{context.Target} schema {schemaName}: nothing to roll back"
                                    : $"{context.Target} schema {schemaName}: rolled back {string.Join(", ", rolledBack)}"
                            )
                            .ConfigureAwait(false);
                        return CliApp.Ok;
                    }

                    var plan = await RollbackPlan
                        .BuildAsync(dataSource, migrator, schemaName, target, cancellationToken)
                        .ConfigureAwait(false);
                    await plan.WriteAsync(context).ConfigureAwait(false);
                    if (parsed.GetValue(dryRun) || plan.Steps.Count == 0)
                    {
                        return CliApp.Ok;
                    }

                    throw new CliUsageException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"rollback drops {plan.Tables} table(s) holding {plan.Rows} row(s) (the plan above); run again with --yes to proceed, or --dry-run to only see the plan"
                        )
                    );
                }
            }
        );
        return command;
    }

    private static Command StatusCommand(CliContext context, GlobalOptions global)
    {
        var output = OutputOption();
        var command = new Command(
            "status",
            "List the applied, pending and drifted versions (exit 3 when the schema is not installed or not up to date)"
        )
        {
            output,
        };
        command.SetAction(
            async (parsed, cancellationToken) =>
            {
                var json = parsed.GetValue(output) == "json";
                var (dataSource, migrator, schemaName) = global.Open(
                    context,
                    parsed,
                    createHostTables: false
                );
                await using (dataSource.ConfigureAwait(false))
                {
                    var (schemaExists, historyExists) = await CliContext
                        .ProbeSchemaAsync(dataSource, schemaName, cancellationToken)
                        .ConfigureAwait(false);
                    if (!historyExists)
                    {
                        var why = schemaExists
                            ? $"schema {schemaName} exists but holds no {SchemaMigrations.HistoryTableName}: nothing of the package is installed"
                            : $"schema {schemaName} does not exist";
                        if (json)
                        {
                            await context
                                .WriteLineAsync(
                                    CliJson.NotInstalled(context, schemaName, schemaExists)
                                )
                                .ConfigureAwait(false);
                        }

                        await context
                            .FailAsync(
                                $"{context.Target}: {why} (penguinmails-infra migrate --schema {schemaName})"
                            )
                            .ConfigureAwait(false);
                        return CliApp.NotReached;
                    }

                    var status = await migrator
                        .GetStatusAsync(cancellationToken)
                        .ConfigureAwait(false);
                    if (json)
                    {
                        await context
                            .WriteLineAsync(CliJson.Status(context, status))
                            .ConfigureAwait(false);
                    }
                    else
                    {
                        await WriteStatusAsync(context, status).ConfigureAwait(false);
                    }

                    return status.Drift.Count > 0 ? CliApp.Failed
                        : status.Pending.Count > 0 ? CliApp.NotReached
                        : CliApp.Ok;
                }
            }
        );
        return command;
    }

    private static Command VerifyCommand(CliContext context, GlobalOptions global)
    {
        var command = new Command(
            "verify",
            "Compare the live tables, columns, types, defaults, constraints, indexes, triggers and functions with what the applied versions produce; exit 1 naming every difference"
        );
        command.SetAction(
            async (parsed, cancellationToken) =>
            {
                var (dataSource, migrator, schemaName) = global.Open(
                    context,
                    parsed,
                    createHostTables: false
                );
                await using (dataSource.ConfigureAwait(false))
                {
                    var result = await migrator
                        .VerifyCatalogAsync(cancellationToken)
                        .ConfigureAwait(false);
                    var versions =
                        result.Versions.Count == 0
                            ? "no applied version"
                            : $"versions {string.Join(", ", result.Versions)}";
                    if (result.IsClean)
                    {
                        await context
                            .WriteLineAsync(
                                string.Create(
                                    CultureInfo.InvariantCulture,
                                    $"{context.Target} schema {schemaName}: catalog matches {versions} ({result.ObjectsCompared} objects)"
                                )
                            )
                            .ConfigureAwait(false);
                        return CliApp.Ok;
                    }

                    await context
                        .WriteLineAsync(
                            string.Create(
                                CultureInfo.InvariantCulture,
                                $"{context.Target} schema {schemaName}: {result.Differences.Count} difference(s) from {versions}"
                            )
                        )
                        .ConfigureAwait(false);
                    foreach (var difference in result.Differences)
                    {
                        await context
                            .WriteLineAsync("  " + difference.ToString().ReplaceLineEndings(" "))
                            .ConfigureAwait(false);
                    }

                    await context
                        .FailAsync(
                            string.Create(
                                CultureInfo.InvariantCulture,
                                $"the catalog of schema {schemaName} differs from its applied versions in {result.Differences.Count} place(s)"
                            )
                        )
                        .ConfigureAwait(false);
                    return CliApp.Failed;
                }
            }
        );
        return command;
    }

    private static Command ScriptCommand(CliContext context, GlobalOptions global)
    {
        var from = VersionOption("--from", "The version the database is at (default 0)");
        var to = VersionOption("--to", "The last version to include (default: the latest)");
        var output = new Option<FileInfo?>("--output")
        {
            Description = "Write the script to this file instead of standard output",
            HelpName = "FILE",
        };
        var command = new Command(
            "script",
            "Write one SQL file that applies versions from+1..to, for a DBA to run (offline: no connection is opened)"
        )
        {
            from,
            to,
            output,
        };
        command.SetAction(
            async (parsed, cancellationToken) =>
            {
                var fromVersion = parsed.GetValue(from) ?? 0;
                var toVersion = parsed.GetValue(to) ?? SchemaMigrations.LatestVersion;
                if (fromVersion > toVersion)
                {
                    throw new CliUsageException(
                        string.Create(
                            CultureInfo.InvariantCulture,
                            $"--from {fromVersion} is above --to {toVersion}"
                        )
                    );
                }

                // The script is made offline; a connection string is accepted but never opened.
                using var offline = NpgsqlDataSourceFactory.Offline();
                var script = new PostgresMigrator(
                    offline,
                    new MigratorOptions { Schema = parsed.GetValue(global.Schema)! }
                ).GenerateScript(fromVersion, toVersion);
                if (parsed.GetValue(output) is { } file)
                {
                    await File.WriteAllTextAsync(file.FullName, script, cancellationToken)
                        .ConfigureAwait(false);
                    await context.WriteLineAsync($"wrote {file.FullName}").ConfigureAwait(false);
                }
                else
                {
                    await context.Out.WriteAsync(script).ConfigureAwait(false);
                }

                return CliApp.Ok;
            }
        );
        return command;
    }

    private static Command FlagsCommand(CliContext context, GlobalOptions global)
    {
        var output = OutputOption();
        var list = new Command("list", "List the feature flags") { output };
        list.SetAction(
            async (parsed, cancellationToken) =>
            {
                var (dataSource, schemaName) = global.OpenDataSource(context, parsed);
                await using (dataSource.ConfigureAwait(false))
                {
                    var all = await new NpgsqlFeatureFlagRepository(
                        dataSource,
                        schemaName,
                        TimeProvider.System
                    )
                        .ListAllAsync(cancellationToken)
                        .ConfigureAwait(false);
                    if (parsed.GetValue(output) == "json")
                    {
                        await context.WriteLineAsync(CliJson.Flags(all)).ConfigureAwait(false);
                        return CliApp.Ok;
                    }

                    await context
                        .WriteLineAsync(
                            string.Create(
                                CultureInfo.InvariantCulture,
                                $"{"key", -40} {"state", -8} {"rollout", 7}  {"updated", -20}  updated by"
                            )
                        )
                        .ConfigureAwait(false);
                    foreach (var f in all)
                    {
                        await context
                            .WriteLineAsync(
                                string.Create(
                                    CultureInfo.InvariantCulture,
                                    $"{f.Key, -40} {(f.IsEnabled ? "enabled" : "disabled"), -8} {f.RolloutPercentage, 6}%  {f.Updated.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}  {(f.UpdatedBy is { } u ? u.ToString() : "-")}"
                                )
                            )
                            .ConfigureAwait(false);
                    }

                    await context
                        .WriteLineAsync(
                            string.Create(CultureInfo.InvariantCulture, $"{all.Count} flag(s)")
                        )
                        .ConfigureAwait(false);
                    return CliApp.Ok;
                }
            }
        );

        var key = new Option<string>("--key")
        {
            Description = "The flag key",
            HelpName = "KEY",
            Required = true,
        };
        var subject = new Option<Guid>("--subject")
        {
            Description = "The subject: a user or tenant id (a GUID)",
            HelpName = "GUID",
            Required = true,
            CustomParser = r =>
            {
                if (Guid.TryParse(r.Tokens[0].Value, CultureInfo.InvariantCulture, out var id))
                {
                    return id;
                }

                // The value is not echoed.
                r.AddError("--subject must be a GUID (a user or tenant id)");
                return Guid.Empty;
            },
        };
        var explain = new Command(
            "explain",
            "The bucket and the decision of flag --key for --subject (exit 3 when the flag does not exist)"
        )
        {
            key,
            subject,
        };
        explain.SetAction(
            async (parsed, cancellationToken) =>
            {
                var (dataSource, schemaName) = global.OpenDataSource(context, parsed);
                await using (dataSource.ConfigureAwait(false))
                {
                    var flagKey = parsed.GetValue(key)!;
                    var subjectId = parsed.GetValue(subject);
                    var flag = await new NpgsqlFeatureFlagRepository(
                        dataSource,
                        schemaName,
                        TimeProvider.System
                    )
                        .GetByKeyAsync(flagKey, cancellationToken)
                        .ConfigureAwait(false);
                    var snapshot = FeatureFlagSnapshot.Create(
                        flag is null ? [] : [flag],
                        TimeProvider.System.GetUtcNow()
                    );
                    var decision = snapshot.Explain(flagKey, subjectId);
                    await context
                        .WriteLineAsync(
                            string.Create(
                                CultureInfo.InvariantCulture,
                                $"{flagKey} {subjectId:D}: bucket {RolloutBucket.Compute(flagKey, subjectId)}, {decision}"
                            )
                        )
                        .ConfigureAwait(false);
                    if (flag is null)
                    {
                        await context
                            .FailAsync(
                                $"no flag '{flagKey}' in schema {schemaName} of {context.Target}"
                            )
                            .ConfigureAwait(false);
                        return CliApp.NotReached;
                    }

                    return CliApp.Ok;
                }
            }
        );

        return new Command("flags", "Feature flags: list, explain") { list, explain };
    }

    private static async Task WriteStatusAsync(CliContext context, SchemaStatus status)
    {
        var state =
            status.Drift.Count > 0 ? "DRIFT"
            : status.Pending.Count > 0 ? "pending versions"
            : "up to date";
        await context
            .WriteLineAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{context.Target} schema {status.Schema}: version {status.CurrentVersion} of {SchemaMigrations.LatestVersion}, {state}"
                )
            )
            .ConfigureAwait(false);
        foreach (var a in status.Applied)
        {
            await context
                .WriteLineAsync(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"  applied  {a.Version:D4} {a.Name, -40} {a.AppliedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} by {a.AppliedBy} ({a.DurationMs} ms)"
                    )
                )
                .ConfigureAwait(false);
        }

        foreach (var m in status.Pending)
        {
            await context
                .WriteLineAsync(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"  pending  {m.Version:D4} {m.Name}"
                    )
                )
                .ConfigureAwait(false);
        }

        foreach (var d in status.Drift)
        {
            await context
                .WriteLineAsync(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"  DRIFT    {d.Version:D4} {d.Name}: applied {d.AppliedChecksum}, package {d.ExpectedChecksum}"
                    )
                )
                .ConfigureAwait(false);
        }

        foreach (var u in status.Unknown)
        {
            await context
                .WriteLineAsync(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"  unknown  {u.Version:D4} {u.Name} (newer than this tool)"
                    )
                )
                .ConfigureAwait(false);
        }
    }

    /// <summary>A schema version option: a whole number from 0 to the package's latest version.</summary>
    private static Option<int?> VersionOption(string name, string description) =>
        new(name)
        {
            Description = string.Create(
                CultureInfo.InvariantCulture,
                $"{description}; 0..{SchemaMigrations.LatestVersion}"
            ),
            HelpName = "N",
            CustomParser = r => ParseVersion(r, name),
        };

    private static int? ParseVersion(ArgumentResult result, string name)
    {
        var latest = SchemaMigrations.LatestVersion;
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            result.AddError(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name} needs a version number from 0 to {latest}"
                )
            );
            return null;
        }

        if (version > latest)
        {
            result.AddError(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name} {version} is out of range: this package has versions 1 to {latest} (0 is the empty schema)"
                )
            );
            return null;
        }

        return version;
    }

    private static int ParseWholeNumber(ArgumentResult result, string name, int max, string what)
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (
            !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value > max
        )
        {
            result.AddError($"{name} needs {what} (a whole number, 0 or more)");
            return 0;
        }

        return value;
    }

    /// <summary>
    /// A switch: present alone is on; with a value, true/false, yes/no, on/off, 1/0. (A string option: System.CommandLine's
    /// own bool option takes only true/false as its value and leaves "yes" as a stray argument.)
    /// </summary>
    private static Option<string?> SwitchOption(string name, string description)
    {
        var option = new Option<string?>(name)
        {
            Description = description,
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "yes|no",
        };
        option.Validators.Add(result =>
        {
            if (
                result.Tokens.Count > 0
                && !s_truthy.Contains(result.Tokens[0].Value.ToLowerInvariant())
                && !s_falsy.Contains(result.Tokens[0].Value.ToLowerInvariant())
            )
            {
                result.AddError($"{name} takes true/false, yes/no, on/off or 1/0");
            }
        });
        return option;
    }

    private static bool IsOn(ParseResult parsed, Option<string?> option) =>
        parsed.GetResult(option) is { } result
        && (
            result.Tokens.Count == 0 || s_truthy.Contains(result.Tokens[0].Value.ToLowerInvariant())
        );

    private static Option<string> OutputOption()
    {
        var output = new Option<string>("--output")
        {
            Description = "text (aligned, for people) or json (one document, for scripts)",
            HelpName = "FORMAT",
            DefaultValueFactory = _ => "text",
        };
        output.AcceptOnlyFromAmong("text", "json");
        return output;
    }

    /// <summary>The options every command accepts.</summary>
    private sealed record GlobalOptions(
        Option<string?> Connection,
        Option<string> Schema,
        Option<int> LockTimeout
    )
    {
        public (Npgsql.NpgsqlDataSource DataSource, string Schema) OpenDataSource(
            CliContext context,
            ParseResult parsed
        ) => (context.OpenDataSource(parsed.GetValue(Connection)), parsed.GetValue(Schema)!);

        public (Npgsql.NpgsqlDataSource DataSource, PostgresMigrator Migrator, string Schema) Open(
            CliContext context,
            ParseResult parsed,
            bool createHostTables
        )
        {
            var (dataSource, schema) = OpenDataSource(context, parsed);
            var seconds = parsed.GetValue(LockTimeout);
            var migrator = new PostgresMigrator(
                dataSource,
                new MigratorOptions
                {
                    Schema = schema,
                    CreateHostTables = createHostTables,
                    MigrationLockTimeout = TimeSpan.FromSeconds(seconds),
                    AppliedBy = "penguinmails-infra",
                }
            );
            return (dataSource, migrator, schema);
        }
    }
}

/// <summary>A data source that is never opened, for the offline script.</summary>
internal static class NpgsqlDataSourceFactory
{
    public static Npgsql.NpgsqlDataSource Offline() =>
        Npgsql.NpgsqlDataSource.Create("Host=localhost");
}
