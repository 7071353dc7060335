namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>
/// What the staff contract classes (<see cref="StaffRoleRepositoryContract"/>, <see cref="PermissionRepositoryContract"/>,
/// <see cref="StaffMemberRepositoryContract"/>) share: the store's lifetime and builders with unique keys. A store may
/// keep its data across the tests of a class (the package's PostgreSQL store does), so every test uses ids and names of
/// its own.
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

    /// <summary>
    /// A well-formed continuation token that holds a key of another type than the listing's (an int where the key is a
    /// Guid): the package's tokens are the base64url of the last key, and a listing must reject one it did not issue.
    /// </summary>
    protected static string OtherKeyToken(int lastKey) => System.Buffers.Text.Base64Url.EncodeToString(BitConverter.GetBytes(lastKey));

    /// <inheritdoc cref="OtherKeyToken(int)" />
    protected static string OtherKeyToken(Guid lastKey)
    {
        Span<byte> bytes = stackalloc byte[16];
        lastKey.TryWriteBytes(bytes, bigEndian: true, out _);
        return System.Buffers.Text.Base64Url.EncodeToString(bytes);
    }
}
