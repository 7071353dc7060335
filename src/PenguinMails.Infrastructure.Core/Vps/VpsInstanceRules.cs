namespace PenguinMails.Infrastructure.Core.Vps;

/// <summary>Checks shared by every store before a VPS instance is written.</summary>
internal static class VpsInstanceRules
{
    /// <summary>Validates a new instance: every field rule, and the status must be the lifecycle's initial one.</summary>
    public static void EnsureInsertable(VpsInstance vps)
    {
        var errors = new List<FieldError>(vps.Validate());
        if (vps.Status != VpsInstanceLifecycle.Definition.Initial && VpsInstanceStatusExtensions.Map.IsDefined(vps.Status))
        {
            errors.Add(new FieldError("status", "initial", $"status of a new instance must be '{VpsInstanceLifecycle.Definition.NameOf(VpsInstanceLifecycle.Definition.Initial)}'."));
        }

        if (errors.Count > 0)
        {
            throw new EntityValidationException(nameof(VpsInstance), errors);
        }
    }
}
