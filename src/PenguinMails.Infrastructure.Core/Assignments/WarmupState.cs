using PenguinMails.Infrastructure.Core.Internal;

namespace PenguinMails.Infrastructure.Core.Assignments;

/// <summary>
/// The <c>domain_ip_assignments.warmup_state</c> values: the domain's own warmup progress on the IP, separate from the
/// IP's overall reputation. See <see cref="WarmupStateLifecycle"/> for the allowed moves.
/// </summary>
public enum WarmupState
{
    /// <summary><c>unwarmed</c>: no warmup yet; the initial state, and how a NULL column is read.</summary>
    Unwarmed = 1,

    /// <summary><c>warming</c>: warmup in progress.</summary>
    Warming = 2,

    /// <summary><c>warmed</c>: warmup complete (terminal).</summary>
    Warmed = 3,
}

/// <summary>Conversions of <see cref="WarmupState"/> to and from its database strings.</summary>
public static class WarmupStateExtensions
{
    internal static readonly DbEnumMap<WarmupState> Map = new(
        DomainIpAssignment.TableName,
        "warmup_state",
        (WarmupState.Unwarmed, "unwarmed"),
        (WarmupState.Warming, "warming"),
        (WarmupState.Warmed, "warmed")
    );

    /// <summary>The database string, for example <c>unwarmed</c>.</summary>
    /// <param name="state">The warmup state.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined warmup state.</exception>
    public static string ToDatabaseValue(this WarmupState state) => Map.ToDb(state);

    /// <summary>
    /// Reads the column: NULL (the seed has no default, so rows written by other code may hold it) is
    /// <see cref="WarmupState.Unwarmed"/>; an unknown string is an <see cref="UnknownDatabaseValueException"/>.
    /// </summary>
    internal static WarmupState FromDatabaseValue(string? value, string? rowKey = null) =>
        value is null ? WarmupState.Unwarmed : Map.FromDb(value, rowKey);

    /// <summary>As <see cref="FromDatabaseValue(string?, string?)"/>, with the row key formatted only for the error.</summary>
    internal static WarmupState FromDatabaseValue(string? value, RowKey rowKey) =>
        value is null ? WarmupState.Unwarmed : Map.FromDb(value, rowKey);
}
