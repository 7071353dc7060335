namespace PenguinMails.Infrastructure.Core.Assignments;

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
