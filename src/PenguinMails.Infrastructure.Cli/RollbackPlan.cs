using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres.Schema;

namespace PenguinMails.Infrastructure.Cli;

/// <summary>
/// What <c>rollback --to N</c> would do: the applied versions above N, highest first, each with the tables its down
/// script drops (and their row counts now) and the other objects it removes. Read from the package's down scripts and
/// the live database; changes nothing.
/// </summary>
internal sealed partial class RollbackPlan
{
    private RollbackPlan(string schema, int current, int target, IReadOnlyList<Step> steps)
    {
        Schema = schema;
        Current = current;
        Target = target;
        Steps = steps;
    }

    public string Schema { get; }

    public int Current { get; }

    public int Target { get; }

    public IReadOnlyList<Step> Steps { get; }

    public int Tables => Steps.Sum(s => s.Tables.Count);

    public long Rows => Steps.Sum(s => s.Tables.Sum(t => t.Rows ?? 0));

    public static async Task<RollbackPlan> BuildAsync(
        NpgsqlDataSource dataSource,
        PostgresMigrator migrator,
        string schema,
        int target,
        CancellationToken cancellationToken
    )
    {
        var status = await migrator.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var applied = status.Applied.Select(a => a.Version).ToHashSet();
        var steps = new List<Step>();
        foreach (
            var migration in SchemaMigrations
                .All.Where(m => m.Version > target && applied.Contains(m.Version))
                .Reverse()
        )
        {
            var tables = new List<TableRows>();
            foreach (Match match in DropTable().Matches(migration.DownSql))
            {
                var table = match.Groups["table"].Value;
                tables.Add(
                    new TableRows(
                        table,
                        await CountRowsAsync(dataSource, schema, table, cancellationToken)
                            .ConfigureAwait(false)
                    )
                );
            }

            var other = new List<string>();
            foreach (Match match in DeleteFrom().Matches(migration.DownSql))
            {
                other.Add($"deletes the seeded rows of {match.Groups["table"].Value}");
            }

            foreach (Match match in DropOther().Matches(migration.DownSql))
            {
                other.Add(
                    $"drops {match.Groups["kind"].Value.ToLowerInvariant()} {match.Groups["name"].Value}"
                );
            }

            steps.Add(
                new Step(migration.Version, migration.Name, tables, other.Distinct().ToArray())
            );
        }

        return new RollbackPlan(schema, status.CurrentVersion, target, steps);
    }

    public async Task WriteAsync(CliContext context)
    {
        if (Steps.Count == 0)
        {
            await context
                .WriteLineAsync(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{context.Target} schema {Schema}: at version {Current}; nothing to roll back to {Target}"
                    )
                )
                .ConfigureAwait(false);
            return;
        }

        await context
            .WriteLineAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{context.Target} schema {Schema}: rollback plan from version {Current} to {Target}"
                )
            )
            .ConfigureAwait(false);
        foreach (var step in Steps)
        {
            var parts = step
                .Tables.Select(t =>
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"drops table {t.Table} ({(t.Rows is { } n ? n.ToString(CultureInfo.InvariantCulture) + " rows" : "missing")})"
                    )
                )
                .Concat(step.Other)
                .ToArray();
            await context
                .WriteLineAsync(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"  {step.Version:D4} {step.Name, -40} {string.Join("; ", parts)}"
                    )
                )
                .ConfigureAwait(false);
        }

        await context
            .WriteLineAsync(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"  total: {Steps.Count} version(s), {Tables} table(s), {Rows} row(s) would be dropped"
                )
            )
            .ConfigureAwait(false);
    }

    private static async Task<long?> CountRowsAsync(
        NpgsqlDataSource dataSource,
        string schema,
        string table,
        CancellationToken cancellationToken
    )
    {
        // Both identifiers are validated: the schema by SchemaMigrations, the table by the pattern of the package's own scripts.
        var exists = dataSource.CreateCommand("SELECT to_regclass($1) IS NOT NULL");
        await using (exists.ConfigureAwait(false))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = $"{schema}.{table}" });
            if (
                await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true
            )
            {
                return null;
            }
        }

#pragma warning disable CA2100 // identifiers only: the validated schema name and a table name matched by ^[a-z_][a-z0-9_]*$
        var count = dataSource.CreateCommand($"SELECT count(*) FROM {schema}.{table}");
#pragma warning restore CA2100
        await using (count.ConfigureAwait(false))
        {
            return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    [GeneratedRegex(
        @"DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?\$\(schema\)\.(?<table>[a-z_][a-z0-9_]*)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    )]
    private static partial Regex DropTable();

    [GeneratedRegex(
        @"DELETE\s+FROM\s+\$\(schema\)\.(?<table>[a-z_][a-z0-9_]*)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    )]
    private static partial Regex DeleteFrom();

    [GeneratedRegex(
        @"DROP\s+(?<kind>FUNCTION|TRIGGER|INDEX|VIEW|TYPE)\s+(?:IF\s+EXISTS\s+)?(?:\$\(schema\)\.)?(?<name>[a-z_][a-z0-9_]*)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant
    )]
    private static partial Regex DropOther();

    internal sealed record TableRows(string Table, long? Rows);

    internal sealed record Step(
        int Version,
        string Name,
        IReadOnlyList<TableRows> Tables,
        IReadOnlyList<string> Other
    );
}
