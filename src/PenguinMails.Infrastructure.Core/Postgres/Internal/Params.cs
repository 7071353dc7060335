using Npgsql;
using NpgsqlTypes;

namespace PenguinMails.Infrastructure.Core.Postgres.Internal;

/// <summary>Adds positional parameters with an explicit type, so a NULL is typed and never spliced into SQL.</summary>
internal static class Params
{
    public static void Uuid(this NpgsqlParameterCollection p, Guid? value) => p.Add(Make(value, NpgsqlDbType.Uuid));

    public static void Text(this NpgsqlParameterCollection p, string? value) => p.Add(Make(value, NpgsqlDbType.Text));

    public static void Int(this NpgsqlParameterCollection p, int? value) => p.Add(Make(value, NpgsqlDbType.Integer));

    public static void BigInt(this NpgsqlParameterCollection p, long? value) => p.Add(Make(value, NpgsqlDbType.Bigint));

    public static void Numeric(this NpgsqlParameterCollection p, decimal? value) => p.Add(Make(value, NpgsqlDbType.Numeric));

    public static void Bool(this NpgsqlParameterCollection p, bool? value) => p.Add(Make(value, NpgsqlDbType.Boolean));

    public static void Jsonb(this NpgsqlParameterCollection p, string? json) => p.Add(Make(json, NpgsqlDbType.Jsonb));

    /// <summary>
    /// A <c>timestamptz</c>, sent as the same instant in UTC (Npgsql refuses a non-zero offset); entity columns are
    /// validated as UTC before this point, so this only normalizes concurrency tokens such as <c>updated</c>.
    /// </summary>
    public static void TimestampTz(this NpgsqlParameterCollection p, DateTimeOffset? value) =>
        p.Add(Make(value?.ToUniversalTime(), NpgsqlDbType.TimestampTz));

    private static NpgsqlParameter Make<T>(T? value, NpgsqlDbType type) =>
        value is null
            ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = type }
            : new NpgsqlParameter<T> { TypedValue = value, NpgsqlDbType = type };
}

/// <summary>Typed reads by ordinal.</summary>
internal static class Reads
{
    public static string? TextOrNull(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static int? IntOrNull(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    public static decimal? DecimalOrNull(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);

    public static Guid? UuidOrNull(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetGuid(i);

    public static bool? BoolOrNull(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetBoolean(i);

    public static DateTimeOffset? TimestampOrNull(this NpgsqlDataReader r, int i) =>
        r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    /// <summary>A column the entity treats as required: NULL is an error naming table, column and row.</summary>
    public static DateTimeOffset RequiredTimestamp(this NpgsqlDataReader r, int i, string table, RowKey rowKey) =>
        r.IsDBNull(i) ? throw new UnknownDatabaseValueException(table, r.GetName(i), null, rowKey.ToString()) : r.GetFieldValue<DateTimeOffset>(i);

    public static string? RawText(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
