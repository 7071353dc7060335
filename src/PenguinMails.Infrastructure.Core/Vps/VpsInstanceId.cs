namespace PenguinMails.Infrastructure.Core.Vps;

/// <summary>The id of a <c>vps_instances</c> row.</summary>
/// <param name="Value">The UUID.</param>
public readonly record struct VpsInstanceId(Guid Value)
{
    /// <summary>A new, time-ordered (version 7) id.</summary>
    public static VpsInstanceId New() => new(Guid.CreateVersion7());

    /// <summary>The id as a lowercase 36-character string with hyphens.</summary>
    public override string ToString() => Value.ToString("D");
}
