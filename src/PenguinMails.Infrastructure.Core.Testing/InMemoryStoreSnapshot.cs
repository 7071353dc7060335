namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>The committed state of an <see cref="InMemoryInfraStore"/> at one moment (see <see cref="InMemoryInfraStore.Snapshot"/>).</summary>
public sealed class InMemoryStoreSnapshot
{
    internal InMemoryStoreSnapshot(InMemoryInfraStore store, StoreState state)
    {
        Store = store;
        State = state;
    }

    internal InMemoryInfraStore Store { get; }

    internal StoreState State { get; }
}
