namespace PenguinMails.Infrastructure.Core.Internal;

/// <summary>
/// A value as a DECIMAL(p, s) column returns it: with exactly <c>s</c> decimal places (PostgreSQL stores
/// <c>12.5</c> in DECIMAL(10,2) as <c>12.50</c>, and <see cref="decimal"/> keeps its scale, visible in its text).
/// </summary>
internal static class DecimalColumn
{
    public static decimal AtScale(decimal value, int scale) =>
        // Round to the scale (validation has rejected more places), then add a zero of that scale: a sum's scale is the
        // larger of its operands', so 12.5 + 0.00 = 12.50.
        decimal.Round(value, scale, MidpointRounding.AwayFromZero) + new decimal(0, 0, 0, false, (byte)scale);

    public static decimal? AtScale(decimal? value, int scale) => value is { } v ? AtScale(v, scale) : null;
}
