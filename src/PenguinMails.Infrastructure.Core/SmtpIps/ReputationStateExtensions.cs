namespace PenguinMails.Infrastructure.Core.SmtpIps;

/// <summary>Conversions of <see cref="ReputationState"/> to and from its database strings.</summary>
public static class ReputationStateExtensions
{
    internal static readonly DbEnumMap<ReputationState> Map = new(
        SmtpIpAddress.TableName,
        "reputation_state",
        (ReputationState.Good, "good"),
        (ReputationState.Fair, "fair"),
        (ReputationState.Poor, "poor"),
        (ReputationState.Critical, "critical")
    );

    /// <summary>The database string, for example <c>critical</c>.</summary>
    /// <param name="state">The reputation state.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined reputation state.</exception>
    public static string ToDatabaseValue(this ReputationState state) => Map.ToDb(state);
}
