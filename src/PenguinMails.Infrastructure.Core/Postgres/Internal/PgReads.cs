using Npgsql;

namespace PenguinMails.Infrastructure.Core.Postgres.Internal;

/// <summary>
/// The reader callbacks the repositories share: one row, all rows, a count, rows affected, and the re-read that tells
/// a missing row from a conflicting one. Row mappers are static methods, so their delegates are cached.
/// </summary>
internal static class PgReads
{
    /// <summary>The first row mapped with <paramref name="map"/>, or null when there is none.</summary>
    public static async Task<T?> OneAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
        where T : class =>
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? map(reader) : null;

    /// <summary>Every row mapped with <paramref name="map"/>, in the order read.</summary>
    public static async Task<List<T>> AllAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(map(reader));
        }

        return list;
    }

    /// <summary>Every row mapped with <paramref name="map"/>, as a page of at most <paramref name="limit"/> (see <see cref="Paging.ToPage{T}"/>).</summary>
    public static async Task<Page<T>> PageAsync<T>(
        NpgsqlDataReader reader,
        Func<NpgsqlDataReader, T> map,
        int limit,
        Func<T, string> tokenOf,
        CancellationToken cancellationToken
    ) =>
        Paging.ToPage(await AllAsync(reader, map, cancellationToken).ConfigureAwait(false), limit, tokenOf);

    /// <summary>Reads the single <c>count(*)</c> value.</summary>
    public static async Task<long> CountAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken)
    {
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetInt64(0);
    }

    /// <summary>Whether the statement affected any row.</summary>
    public static Task<bool> AffectedAsync<TState>(NpgsqlDataReader reader, TState state, CancellationToken cancellationToken) =>
        Task.FromResult(reader.RecordsAffected > 0);

    /// <summary>
    /// After a guarded write matched no row: awaits the re-read <paramref name="reread"/> and gives
    /// <see cref="EntityNotFoundException"/> when the row is gone, else <see cref="ConcurrencyConflictException"/> with
    /// <paramref name="reason"/>.
    /// </summary>
    public static async Task<Exception> MissedAsync<T>(Task<T?> reread, string entity, string id, string reason = "it was updated since it was read")
        where T : class =>
        await reread.ConfigureAwait(false) is null ? new EntityNotFoundException(entity, id) : InfraTelemetry.Conflict(new ConcurrencyConflictException(entity, id, reason));
}
