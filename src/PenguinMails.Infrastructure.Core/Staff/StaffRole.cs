namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// A row of <c>staff_roles</c>: a named set of permissions given to staff members. An immutable snapshot; change it
/// with <c>with</c> and write it through a repository.
/// </summary>
public sealed record StaffRole : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "staff_roles";

    /// <summary><c>id</c> INTEGER PRIMARY KEY, greater than 0.</summary>
    public required StaffRoleId Id { get; init; }

    /// <summary><c>name</c> VARCHAR(50) UNIQUE: required, one line, at most 50 characters.</summary>
    public required string Name { get; init; }

    /// <summary><c>description</c> TEXT.</summary>
    public string? Description { get; init; }

    /// <summary><c>created</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on insert.</summary>
    public DateTimeOffset Created { get; init; }

    /// <inheritdoc />
    public IReadOnlyList<FieldError> Validate() =>
        new FieldRules()
            .Positive("id", Id.Value)
            .Text("name", Name, 50, required: true, singleLine: true)
            .Text("description", Description, null)
            .Errors;
}
