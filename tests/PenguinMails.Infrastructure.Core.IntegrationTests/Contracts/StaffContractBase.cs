using PenguinMails.Infrastructure.Core.Staff;

namespace PenguinMails.Infrastructure.Core.IntegrationTests.Contracts;

/// <summary>
/// What the staff contract classes share: the store's lifetime and builders with unique keys. On PostgreSQL a test
/// class shares one database, so every test uses ids and names of its own.
/// </summary>
public abstract class StaffContractBase : IAsyncLifetime
{
    private static int s_nextBlock = 100_000;
    private IContractStore? _store;

    protected IContractStore Store => _store ?? throw new InvalidOperationException("not initialized");

    protected abstract Task<IContractStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>The first of 100 integer ids no other test uses (above the reserved catalog range).</summary>
    protected static int IdBlock() => Interlocked.Add(ref s_nextBlock, 100) - 100;

    protected static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    protected static StaffRole NewRole(int? id = null, string? description = "Operates the platform.") =>
        new()
        {
            Id = new StaffRoleId(id ?? IdBlock()),
            Name = Unique("role-"),
            Description = description,
        };

    protected static Permission NewPermission(int? id = null, string? category = null) =>
        new()
        {
            Id = new PermissionId(id ?? IdBlock()),
            Name = Unique("test.p"),
            Description = "A test permission.",
            Category = category ?? Unique("c-"),
        };

    /// <summary>A user registered in the host's <c>users</c>.</summary>
    protected async Task<UserId> NewUserAsync(Guid? id = null)
    {
        var user = new UserId(id ?? Guid.CreateVersion7());
        await Store.AddUserAsync(user);
        return user;
    }

    /// <summary>Runs <paramref name="count"/> tasks that start together; each outcome is null (success) or its exception.</summary>
    protected static async Task<Exception?[]> RaceAsync(int count, Func<int, Task> action)
    {
        using var gate = new ManualResetEventSlim(false);
        var tasks = Enumerable
            .Range(0, count)
            .Select(i => Task.Run(async () =>
            {
                gate.Wait();
                try
                {
                    await action(i);
                    return (Exception?)null;
                }
                catch (Exception ex)
                {
                    return ex;
                }
            }))
            .ToArray();
        gate.Set();
        return await Task.WhenAll(tasks);
    }
}
