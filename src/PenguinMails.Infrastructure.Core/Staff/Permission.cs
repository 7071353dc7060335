using System.Diagnostics.CodeAnalysis;

namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// A row of <c>permissions</c>: one thing a staff role may be allowed to do. An immutable snapshot; change it with
/// <c>with</c> and write it through a repository.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Named after its table, as every entity is (CONVENTIONS.md); it is not a CAS permission type.")]
public sealed record Permission : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "permissions";

    /// <summary>The default <see cref="Category"/>, as the column's DEFAULT clause.</summary>
    public const string DefaultCategory = "general";

    /// <summary><c>id</c> INTEGER PRIMARY KEY, greater than 0, stable across releases.</summary>
    public required PermissionId Id { get; init; }

    /// <summary>
    /// <c>name</c> VARCHAR(100) UNIQUE: lowercase dotted segments, each starting with a letter and made of
    /// <c>a-z 0-9 _ -</c>, for example <c>vps.read</c> or <c>feature_flags.write</c>; at most 100 characters.
    /// </summary>
    public required string Name { get; init; }

    /// <summary><c>description</c> TEXT.</summary>
    public string? Description { get; init; }

    /// <summary><c>category</c> VARCHAR(50) DEFAULT 'general': one line, at most 50 characters.</summary>
    public string Category { get; init; } = DefaultCategory;

    /// <summary><c>created</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on insert.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Whether <paramref name="name"/> is a valid permission name (format and length).</summary>
    /// <param name="name">The candidate name.</param>
    public static bool IsValidName(string? name) => FieldRules.IsPermissionName(name, 100);

    /// <inheritdoc />
    public IReadOnlyList<FieldError> Validate() =>
        new FieldRules()
            .Positive("id", Id.Value)
            .PermissionName("name", Name, 100)
            .Text("description", Description, null)
            .Text("category", Category, 50, required: true, singleLine: true)
            .Errors;
}
