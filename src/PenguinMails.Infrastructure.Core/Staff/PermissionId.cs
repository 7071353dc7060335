using System.Globalization;

namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>The id of a <c>permissions</c> row (<c>INTEGER</c>, stable across releases, greater than 0).</summary>
/// <param name="Value">The integer id.</param>
public readonly record struct PermissionId(int Value)
{
    /// <summary>The id in invariant decimal digits.</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
