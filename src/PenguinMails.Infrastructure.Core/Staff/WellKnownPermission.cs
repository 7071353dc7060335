using System.Diagnostics.CodeAnalysis;

namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>A permission of the package's catalog, seeded into <c>permissions</c> by schema version 7.</summary>
/// <param name="Id">The stable id (1..999 are reserved for the package; application permissions use 1000 and up).</param>
/// <param name="Name">The name, for example <c>staff.manage</c>.</param>
/// <param name="Category">The category, for example <c>staff</c>.</param>
/// <param name="Description">What the permission allows.</param>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A row of the permissions table, not a code-access-security permission; the name follows the table.")]
public sealed record WellKnownPermission(int Id, string Name, string Category, string Description);
