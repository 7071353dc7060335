using System.Diagnostics.CodeAnalysis;

namespace PenguinMails.Infrastructure.Core.Staff;

/// <summary>
/// A row of <c>staff_role_permissions</c>: a role is granted a permission. The primary key is
/// (<c>role_id</c>, <c>permission_id</c>). An immutable snapshot.
/// </summary>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Named after its table, as every entity is (CONVENTIONS.md); it is not a CAS permission type.")]
public sealed record StaffRolePermission : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "staff_role_permissions";

    /// <summary><c>role_id</c> INTEGER REFERENCES staff_roles(id), greater than 0.</summary>
    public required StaffRoleId RoleId { get; init; }

    /// <summary><c>permission_id</c> INTEGER REFERENCES permissions(id), greater than 0.</summary>
    public required PermissionId PermissionId { get; init; }

    /// <summary><c>created</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on insert.</summary>
    public DateTimeOffset Created { get; init; }

    /// <inheritdoc />
    public IReadOnlyList<FieldError> Validate() =>
        new FieldRules()
            .Positive("role_id", RoleId.Value)
            .Positive("permission_id", PermissionId.Value)
            .Errors;
}
