using Microsoft.Extensions.Time.Testing;

namespace PenguinMails.Infrastructure.Core.Specification;

/// <summary>The clock a store under contract test starts with (<see cref="IContractStore.Clock"/>).</summary>
public static class ContractClock
{
    /// <summary>The instant every store's clock starts at: 2026-01-01T00:00:00Z. Some tests set the clock forward to
    /// dates after it.</summary>
    public static DateTimeOffset Start { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A new fake clock at <see cref="Start"/>, for one store; it moves only when a test moves it.</summary>
    public static FakeTimeProvider Create() => new(Start);
}
