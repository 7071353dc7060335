namespace PenguinMails.Infrastructure.Core.Testing;

/// <summary>Checks and paging the in-memory repositories share, matching what the PostgreSQL ones do.</summary>
internal static class InMemoryRows
{
    /// <summary>
    /// The optimistic check of an update: throws <see cref="ConcurrencyConflictException"/> when the stored row's
    /// <c>updated</c> is not the one the caller read.
    /// </summary>
    public static void EnsureNotUpdatedSince(DateTimeOffset actualUpdated, DateTimeOffset expectedUpdated, string entity, string id)
    {
        // PostgreSQL compares the token at its own precision, whole microseconds.
        if (actualUpdated != StoreClock.Truncate(expectedUpdated))
        {
            throw InfraTelemetry.Conflict(new ConcurrencyConflictException(entity, id, "it was updated since it was read"));
        }
    }

    /// <summary>
    /// A page of the rows <paramref name="rowsAfter"/> gives for the request's token (the rows after that UUID key, in
    /// PostgreSQL uuid order; every row for the first page), read only after the request is checked. An indexed
    /// <paramref name="rowsAfter"/> seeks to the token, so a page costs the same wherever it is in the walk.
    /// </summary>
    public static Task<Page<T>> PageByUuidAsync<T>(
        StateSession session,
        PageRequest? page,
        Func<Guid?, IEnumerable<T>> rowsAfter,
        Func<T, Guid> keyOf,
        CancellationToken cancellationToken
    )
    {
        page ??= PageRequest.First;
        page.EnsureValid();
        session.Enter(cancellationToken);
        var after = ContinuationToken.DecodeGuid(page.ContinuationToken);
        return PageAsync(rowsAfter(after), page.Limit, r => ContinuationToken.Encode(keyOf(r)));
    }

    /// <summary>
    /// The rows of <paramref name="table"/> after <paramref name="after"/> in key order: those of <paramref name="group"/>
    /// when an index narrowed the search to it, else every row.
    /// </summary>
    public static IEnumerable<TRow> After<TRow>(Table<Guid, TRow> table, System.Collections.Immutable.ImmutableSortedSet<Guid>? group, Guid? after) =>
        group is null ? table.RowsAfter(after is not null, after.GetValueOrDefault()) : GroupIndex.KeysAfter(group, after).Select(k => table.GetValueOrDefault(k)!);

    /// <summary>
    /// The page of <paramref name="rowsAfter"/> (the rows in key order after the continuation token): at most
    /// <paramref name="limit"/> of them, with the token of the last from <paramref name="tokenOf"/> when more follow.
    /// </summary>
    public static Task<Page<T>> PageAsync<T>(IEnumerable<T> rowsAfter, int limit, Func<T, string> tokenOf) =>
        Task.FromResult(Paging.ToPage(rowsAfter.Take(limit + 1).ToList(), limit, tokenOf));
}
