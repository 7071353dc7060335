using Npgsql;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.TestKit;
using Xunit.Abstractions;
using SeedReader = PenguinMails.Infrastructure.Core.IntegrationTests.Schema.SeedContract;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// The bad-input corpus (<see cref="BadInputCorpusEntities"/>) through the public repository writes, on both stores:
/// each case is stored verbatim or rejected with an <see cref="EntityValidationException"/> naming the field and the
/// rule, with nothing stored; never an untyped driver error. The number of cases and writes is written to the output.
/// </summary>
public abstract class BadInputCorpusContract(ITestOutputHelper output) : IAsyncLifetime
{
    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    public static TheoryData<string> Tables => [.. BadInputCorpusEntities.All.Keys.Order(StringComparer.Ordinal)];

    protected abstract Task<IContractStore> CreateStoreAsync();

    /// <summary>After the corpus of a table: PostgreSQL checks that no injected statement ran (every table still there).</summary>
    protected virtual Task AssertSchemaIntactAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task RepositoryWrites_BadInputCorpus_StoredVerbatimOrRejectedWithFieldAndRule(string table)
    {
        var report = await BadInputCorpusEntities.All[table].RunAsync(Store);
        await AssertSchemaIntactAsync();

        output.WriteLine(
            $"{Store.Kind} {table}: {report.Cases} cases, {report.Writes} writes ({report.Stored} stored verbatim, {report.Rejected} rejected), {report.Failures.Count} failures"
        );
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures));
        Assert.Equal(BadInputCorpusEntities.All[table].CaseCount, report.Cases);
    }
}

public sealed class InMemoryBadInputCorpusTests(ITestOutputHelper output) : BadInputCorpusContract(output)
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class PostgresBadInputCorpusTests(PostgresContractDatabase database, ITestOutputHelper output)
    : BadInputCorpusContract(output),
        IClassFixture<PostgresContractDatabase>
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(database));

    protected override async Task AssertSchemaIntactAsync()
    {
        var tables = SeedReader.Read(RepositoryLayout.SeedFile).Select(t => t.Name).ToArray();
        await using var command = database.DataSource.CreateCommand("SELECT count(*) FROM unnest($1::text[]) AS t(name) WHERE to_regclass(t.name) IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = tables });
        var present = (long)(await command.ExecuteScalarAsync())!;
        Assert.Equal(tables.Length, present);
    }
}

/// <summary>Holds the corpus against the seed: every column of every table is covered by a case or listed with a reason.</summary>
public sealed class BadInputCorpusCoverageTests
{
    [Fact]
    public void Corpus_EverySeedColumn_IsCoveredOrListedWithReason()
    {
        var seed = SeedReader.Read(RepositoryLayout.SeedFile);
        var covered = BadInputCorpusEntities.All.Values.SelectMany(e => e.CoveredColumns.Select(c => $"{e.Table}.{c}")).ToHashSet(StringComparer.Ordinal);
        var listed = BadInputCorpusEntities.NotWritten.Keys.ToHashSet(StringComparer.Ordinal);
        var all = seed.SelectMany(t => t.Columns.Select(c => $"{t.Name}.{c.Name}")).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(all.Where(c => !covered.Contains(c) && !listed.Contains(c)).Order(StringComparer.Ordinal));
        Assert.Empty(covered.Concat(listed).Where(c => !all.Contains(c)).Order(StringComparer.Ordinal));
        Assert.Empty(covered.Intersect(listed));
    }

    [Fact]
    public void Corpus_EveryTextColumn_HasStringCases()
    {
        var seed = SeedReader.Read(RepositoryLayout.SeedFile);
        var textColumns = seed
            .SelectMany(t => t.Columns.Where(c => c.DataType is "character varying" or "text" && c.CheckValues is null).Select(c => $"{t.Name}.{c.Name}"))
            .ToList();
        var stringFields = BadInputCorpusEntities.All.Values.SelectMany(e => StringColumns(e).Select(c => $"{e.Table}.{c}")).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(textColumns);
        Assert.Empty(textColumns.Except(stringFields));
    }

    [Fact]
    public void Corpus_VarcharLimits_MatchTheSeed()
    {
        var seed = SeedReader.Read(RepositoryLayout.SeedFile).ToDictionary(t => t.Name);
        var mismatches = new List<string>();
        var compared = 0;
        foreach (var entity in BadInputCorpusEntities.All.Values)
        {
            foreach (var (column, max) in StringLimits(entity))
            {
                var seedColumn = seed[entity.Table].Columns.Single(c => c.Name == column);
                compared++;
                if (seedColumn.DataType is "character varying" or "text" && seedColumn.Length != max)
                {
                    mismatches.Add($"{entity.Table}.{column}: corpus {max}, seed {seedColumn.Length}");
                }
            }
        }

        Assert.Empty(mismatches);
        Assert.True(compared >= 25, $"only {compared} string fields compared");
    }

    private static IEnumerable<string> StringColumns(ICorpusEntity entity) => StringLimits(entity).Select(s => s.Column);

    private static IEnumerable<(string Column, int? Max)> StringLimits(ICorpusEntity entity) =>
        entity.StringFields.Where(f => f.Column == f.Label).Select(f => (f.Column, f.MaxLength));
}
