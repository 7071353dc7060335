namespace PenguinMails.Infrastructure.Core.Replicas;

/// <summary>A routing scope of <see cref="ReadRoute"/>; disposing it restores the routing that was in force before.</summary>
public sealed class ReadRouteScope : IDisposable
{
    private readonly ReadRouteDecision? _previous;
    private int _disposed;

    internal ReadRouteScope(ReadRouteDecision? decision)
    {
        _previous = ReadRoute.Current;
        ReadRoute.Set(decision);
    }

    /// <summary>Restores the previous routing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ReadRoute.Set(_previous);
        }
    }
}
