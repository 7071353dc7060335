namespace PenguinMails.Infrastructure.Core.Preferences;

/// <summary>The id of a <c>user_preferences</c> row.</summary>
/// <param name="Value">The UUID.</param>
public readonly record struct UserPreferencesId(Guid Value)
{
    /// <summary>A new, time-ordered (version 7) id.</summary>
    public static UserPreferencesId New() => new(Guid.CreateVersion7());

    /// <summary>The id as a lowercase 36-character string with hyphens.</summary>
    public override string ToString() => Value.ToString("D");
}
