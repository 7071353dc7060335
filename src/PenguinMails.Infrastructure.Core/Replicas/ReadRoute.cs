namespace PenguinMails.Infrastructure.Core.Replicas;

/// <summary>
/// Declares, for the calls made in the current asynchronous flow, where the PostgreSQL repositories' paged lists and
/// counts may read. Everything else (every write, unit of work, bulk import, migration, lock, get by id, permission
/// check and notification-driven reload) goes to the primary whatever the scope says.
/// </summary>
/// <remarks>
/// <para>
/// Without a scope every call reads the primary. Inside <see cref="PreferStandby"/>, the <c>ListAsync</c>,
/// <c>ListAllAsync</c> and <c>CountAsync</c> calls of the repositories built on an <c>NpgsqlMultiHostDataSource</c> (or
/// a multi-host connection string) open their connection with <c>TargetSessionAttributes.PreferStandby</c>: a standby when
/// one is up, else the primary. Calls inside a unit of work always use its transaction. On a single-host data source
/// and on the in-memory store the scope changes nothing.
/// </para>
/// <para>
/// The package's own services that decide from what they read (the permission checker, staff administration, the
/// feature-flag reload after a write or a notification) open a <see cref="Primary"/> scope, so an application scope
/// around them never makes them read a standby.
/// </para>
/// </remarks>
public static class ReadRoute
{
    private static readonly AsyncLocal<ReadRouteDecision?> s_current = new();

    /// <summary>The decision in force for the current flow, or null (the primary).</summary>
    internal static ReadRouteDecision? Current => s_current.Value;

    /// <summary>
    /// Lets the paged lists and counts of the current flow read a standby until the returned scope is disposed.
    /// </summary>
    /// <param name="consistency">Whether a standby read must first catch up with the primary (read-your-writes).</param>
    /// <returns>The scope; dispose it to restore the previous routing.</returns>
    public static ReadRouteScope PreferStandby(ReadConsistency consistency = ReadConsistency.Stale) =>
        new(new ReadRouteDecision(true, consistency));

    /// <summary>Sends every read of the current flow to the primary until the returned scope is disposed.</summary>
    /// <returns>The scope; dispose it to restore the previous routing.</returns>
    public static ReadRouteScope Primary() => new(null);

    internal static void Set(ReadRouteDecision? decision) => s_current.Value = decision;
}

/// <summary>A standby-read decision: whether a standby may serve the read, and how fresh it must be.</summary>
internal sealed record ReadRouteDecision(bool Standby, ReadConsistency Consistency);
