using PenguinMails.Infrastructure.Core;
using PenguinMails.Infrastructure.Core.Staff;

namespace PenguinMails.Infrastructure.TestKit;

/// <summary>
/// A test double of <see cref="IPermissionChecker"/>: a fixed set of (user, permission) grants; everything else is
/// denied. Counts the checks it answered.
/// </summary>
public sealed class AllowListPermissionChecker : IPermissionChecker
{
    private readonly HashSet<(UserId User, string Permission)> _grants;
    private int _checks;

    public AllowListPermissionChecker(params (UserId User, string Permission)[] grants) => _grants = [.. grants];

    public int Checks => Volatile.Read(ref _checks);

    public ValueTask<bool> HasPermissionAsync(UserId userId, string permission, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _checks);
        return ValueTask.FromResult(_grants.Contains((userId, permission)));
    }

    public async ValueTask EnsurePermissionAsync(UserId userId, string permission, CancellationToken cancellationToken = default)
    {
        if (!await HasPermissionAsync(userId, permission, cancellationToken))
        {
            throw new PermissionDeniedException(userId, permission);
        }
    }
}
