using System.Diagnostics;
using System.Globalization;
using PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;
using PenguinMails.Infrastructure.TestKit.Postgres;
using PenguinMails.Infrastructure.TestKit.Reliability;
using Xunit.Abstractions;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Reliability;

/// <summary>
/// 32 workers run 10,000 status transitions, updates and assignment units over 1,000 SMTP IPs; afterwards the ledger
/// matches the store, every failure is a typed conflict, and (on PostgreSQL) no lock, transaction or pooled connection
/// is left behind. The throughput is printed, never asserted.
/// </summary>
public abstract class LoadContract(ITestOutputHelper output)
{
    private const int Workers = 32;
    private const int Operations = 10_000;
    private const int Rows = 1_000;

    protected abstract Task<IContractStore> CreateStoreAsync();

    /// <summary>The store's leftovers after the run (PostgreSQL: locks, sessions, pool); none by default.</summary>
    protected virtual Task<IReadOnlyList<string>> LeftoversAsync() => Task.FromResult<IReadOnlyList<string>>([]);

    [Fact]
    public async Task ConcurrentWorkers_TenThousandOperations_LedgerMatchesAndConflictsAreTyped()
    {
        await using var store = await CreateStoreAsync();
        var ledger = new OperationLedger();
        var workload = new Workload(
            new WorkloadStore(store.VpsInstances, store.SmtpIpAddresses, store.DomainIpAssignments, store.UnitOfWork, id => store.AddDomainAsync(id)),
            ledger);
        await workload.SeedAsync(Rows, domainCount: 50);
        var seeded = ledger.Entries.Count;
        var remaining = Operations;

        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await workload.RunOneAsync(random);
            }
        }));
        await Task.WhenAll(workers);
        clock.Stop();

        var snapshot = await StoreSnapshot.ReadAsync(store.VpsInstances, store.SmtpIpAddresses, store.DomainIpAssignments);
        var violations = InvariantChecker.Check(ledger, snapshot);
        var conflicts = ledger.ErrorCount<ConcurrencyConflictException>();
        var duplicates = ledger.ErrorCount<DuplicateEntityException>();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{store.Kind}: {Workers} workers, {Operations} operations over {Rows} rows in {clock.Elapsed.TotalSeconds:0.00} s = {Operations / clock.Elapsed.TotalSeconds:0} operations/s"));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{store.Kind}: {ledger.Entries.Count - seeded} recorded writes; conflicts {conflicts} (ConcurrencyConflictException), duplicates {duplicates} (DuplicateEntityException); {ledger}"));

        Assert.Equal(Operations, workload.Operations);
        Assert.Empty(ledger.UntypedErrors);
        Assert.Equal(0, ledger.Count(LedgerOutcome.Unknown));
        Assert.All(ledger.ErrorCounts.Keys, type => Assert.Contains(type, new[] { nameof(ConcurrencyConflictException), nameof(DuplicateEntityException) }));
        Assert.True(ledger.Count(LedgerOutcome.Acknowledged) > seeded + Operations / 2, ledger.ToString());
        Assert.Empty(violations);
        Assert.Empty(await LeftoversAsync());
    }
}

public sealed class InMemoryLoadTests(ITestOutputHelper output) : LoadContract(output)
{
    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new InMemoryContractStore());
}

public sealed class PostgresLoadTests(ITestOutputHelper output) : LoadContract(output), IAsyncLifetime
{
    private readonly PostgresContractDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    protected override Task<IContractStore> CreateStoreAsync() => Task.FromResult<IContractStore>(new PostgresContractStore(_database));

    protected override async Task<IReadOnlyList<string>> LeftoversAsync() =>
        await PostgresQuiescence.CheckAsync(
            await PostgresServer.GetAdminConnectionStringAsync(),
            _database.DataSource.ConnectionString,
            [_database.DataSource]);
}
