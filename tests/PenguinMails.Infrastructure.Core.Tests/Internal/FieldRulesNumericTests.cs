using PenguinMails.Infrastructure.Core.Internal;

namespace PenguinMails.Infrastructure.Core.Tests.Internal;

/// <summary>
/// <see cref="FieldRules.FitsNumeric"/> against PostgreSQL numeric's input limits: at most 16383 digits after the point,
/// the first significant digit at most 131071 places before it, and an exponent below 1073741823 in magnitude.
/// </summary>
public sealed class FieldRulesNumericTests
{
    [Theory]
    [InlineData("0", true)]
    [InlineData("-1.5", true)]
    [InlineData("0.000", true)]
    [InlineData("1E5", true)]
    [InlineData("1e+5", true)]
    [InlineData("-1e-5", true)]
    [InlineData("1.25e2", true)]
    [InlineData("1e131071", true)] // first digit at position 131071
    [InlineData("1e131072", false)]
    [InlineData("10e131070", true)]
    [InlineData("100e131070", false)]
    [InlineData("1e-16383", true)] // 16383 digits after the point
    [InlineData("1e-16384", false)]
    [InlineData("0.5e-16382", true)]
    [InlineData("0.5e-16383", false)]
    [InlineData("0.0001e131075", true)] // leading zeros of the fraction count: position -4 + 131075
    [InlineData("0.0001e131076", false)]
    [InlineData("0.5e131072", true)] // first digit right after the point: position -1
    [InlineData("0.5e131073", false)]
    [InlineData("1E131072", false)] // upper-case exponent marker
    [InlineData("1e2000000000", false)] // exponent past the limit
    [InlineData("1e-2000000000", false)]
    public void FitsNumeric_Text_MatchesPostgresLimits(string raw, bool fits)
    {
        Assert.Equal(fits, FieldRules.FitsNumeric(raw));
    }
}
