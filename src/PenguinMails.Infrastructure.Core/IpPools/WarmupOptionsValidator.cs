namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>The rules of <see cref="WarmupOptions"/>.</summary>
internal static class WarmupOptionsValidator
{
    /// <summary>Every broken rule, each starting with the option's path below the package's section.</summary>
    internal static List<string> Failures(WarmupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RewarmAfterUnusedDays is < 1 or > 365)
        {
            failures.Add("Warmup:RewarmAfterUnusedDays must be between 1 and 365.");
        }

        try
        {
            _ = new WarmupPlanCatalog(options);
        }
        catch (EntityValidationException ex)
        {
            failures.AddRange(ex.Errors.Select(e => $"Warmup:{e.Field}: {e.Message} (rule {e.Rule})"));
        }
        catch (EntityNotFoundException)
        {
            failures.Add($"Warmup:DefaultPlan names no plan ('{options.DefaultPlan}'); use 'default' or a name of Warmup:Plans.");
        }

        return failures;
    }
}
