using System.Globalization;

namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>The id of a <c>staff_roles</c> row (<c>INTEGER</c>, assigned by the application, greater than 0).</summary>
/// <param name="Value">The integer id.</param>
public readonly record struct StaffRoleId(int Value)
{
    /// <summary>The id in invariant decimal digits.</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
