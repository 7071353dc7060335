namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// A row of <c>staff_members</c>: a platform user who is internal staff, with at most one role. An immutable snapshot;
/// change it with <c>with</c> and write it through a repository.
/// </summary>
public sealed record StaffMember : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "staff_members";

    /// <summary><c>user_id</c> UUID PRIMARY KEY REFERENCES users(id).</summary>
    public required UserId UserId { get; init; }

    /// <summary><c>role_id</c> INTEGER REFERENCES staff_roles(id); null when the staff member has no role (and so no permission).</summary>
    public StaffRoleId? RoleId { get; init; }

    /// <summary><c>notes</c> TEXT.</summary>
    public string? Notes { get; init; }

    /// <summary><c>created</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on insert.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary><c>updated</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on every write.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <inheritdoc />
    public IReadOnlyList<FieldError> Validate() =>
        new FieldRules()
            .NotEmpty("user_id", UserId.Value)
            .Positive("role_id", RoleId?.Value)
            .Text("notes", Notes, null)
            .Errors;
}
