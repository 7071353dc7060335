using Microsoft.Extensions.Time.Testing;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Testing;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.InMemoryStore;

/// <summary>
/// The in-memory rotation's due batch, read from the (status, expires) index, against the same batch read through the
/// repositories (every assignment of each status, filtered, sorted and cut): equal on random data, after random writes.
/// </summary>
public sealed class InMemoryRotationStoreTests
{
    private static readonly DomainIpAssignmentStatus[] Statuses =
        [DomainIpAssignmentStatus.Scheduled, DomainIpAssignmentStatus.Warming, DomainIpAssignmentStatus.Active, DomainIpAssignmentStatus.Expired];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task LockDueAsync_FromTheIndex_EqualsTheBatchReadThroughTheRepositories(int seed)
    {
        var rng = new Random(seed);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero));
        var start = clock.GetUtcNow();
        var store = new InMemoryInfraStore(clock);
        var ips = Enumerable.Range(0, 40).Select(_ => store.Seed.SmtpIp(store.Seed.Vps())).ToList();
        var rows = new List<DomainIpAssignment>();
        for (var i = 0; i < 400; i++)
        {
            // Expiry times on a coarse grid, so many rows share one and the uuid decides between them.
            DateTimeOffset? expires = rng.Next(6) == 0 ? null : start.AddMinutes(rng.Next(1, 60));
            rows.Add(store.Seed.Assignment(ips[rng.Next(ips.Count)], status: Statuses[rng.Next(Statuses.Length)], expires: expires));
        }

        clock.Advance(TimeSpan.FromMinutes(30));

        // Writes after the seeding move rows between statuses and expiry times, and delete some.
        var repo = new InMemoryDomainIpAssignmentRepository(store);
        foreach (var row in rows.Where(_ => rng.Next(5) == 0).ToList())
        {
            var current = (await repo.GetAsync(row.Id))!;
            if (rng.Next(2) == 0)
            {
                await repo.DeleteAsync(row.Id);
            }
            else if (current.Status != DomainIpAssignmentStatus.Expired)
            {
                await repo.ChangeStatusAsync(current, DomainIpAssignmentStatus.Expired);
            }
        }

        var allocator = new InMemoryIpPoolAllocator(store);
        var indexed = new InMemoryRotationStore(allocator, store);
        var throughRepositories = new RepositoryRotationStore(allocator);
        var cut = 0;
        foreach (var limit in new[] { 1, 7, 50, 1000 })
        {
            foreach (var offset in new[] { -31, -10, 0, 1, 29, 31 })
            {
                var before = start.AddMinutes(30 + offset);
                await using var unit = await allocator.UnitOfWork.BeginAsync();
                var expected = await throughRepositories.LockDueAsync(unit, before, limit, default);
                var actual = await indexed.LockDueAsync(unit, before, limit, default);

                Assert.Equal(expected.Select(a => a.Id), actual.Select(a => a.Id));
                Assert.Equal(expected, actual);
                cut += expected.Count == limit ? 1 : 0;
            }
        }

        // Some batches were cut at the limit, some were not.
        Assert.InRange(cut, 1, 23);
    }
}
