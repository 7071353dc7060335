namespace PenguinMails.Infrastructure.Core;

/// <summary>Thrown when a user lacks a permission an operation requires. Names the user and the permission, nothing more.</summary>
public sealed class PermissionDeniedException : PenguinMailsException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="userId">The acting user.</param>
    /// <param name="permission">The permission name required, for example <c>staff.manage</c>.</param>
    public PermissionDeniedException(UserId userId, string permission)
        : base($"User '{userId}' lacks the permission '{permission}'.")
    {
        UserId = userId;
        Permission = permission;
    }

    /// <summary>The acting user.</summary>
    public UserId UserId { get; }

    /// <summary>The permission required.</summary>
    public string Permission { get; }
}
