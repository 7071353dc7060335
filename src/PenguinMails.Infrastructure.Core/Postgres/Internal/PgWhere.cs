using System.Text;

namespace PenguinMails.Infrastructure.Core.Postgres.Internal;

/// <summary>Builds the WHERE clause of a filtered list or count from constant fragments; values stay positional parameters.</summary>
internal static class PgWhere
{
    /// <summary>
    /// <c> WHERE </c> and the non-null <paramref name="fragments"/> joined with <c>AND</c>, then <paramref name="typed"/>:
    /// every parameter is sent even when its filter is unused, so <paramref name="typed"/> references each one with its
    /// type for PostgreSQL to infer it.
    /// </summary>
    public static string Of(string typed, params ReadOnlySpan<string?> fragments)
    {
        var sql = new StringBuilder(" WHERE ");
        foreach (var fragment in fragments)
        {
            if (fragment is not null)
            {
                sql.Append(fragment).Append(" AND ");
            }
        }

        return sql.Append(typed).ToString();
    }
}
