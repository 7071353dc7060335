using Microsoft.Extensions.Options;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>Reports every invalid <see cref="WarmupOptions"/> value at once.</summary>
internal sealed class WarmupOptionsValidator : IValidateOptions<WarmupOptions>
{
    public ValidateOptionsResult Validate(string? name, WarmupOptions options)
    {
        var failures = new List<string>();
        if (options.RewarmAfterUnusedDays is < 1 or > 365)
        {
            failures.Add("Warmup.RewarmAfterUnusedDays must be between 1 and 365.");
        }

        try
        {
            _ = new WarmupPlanCatalog(options);
        }
        catch (EntityValidationException ex)
        {
            failures.AddRange(ex.Errors.Select(e => $"Warmup.{e.Field}: {e.Message} (rule {e.Rule})"));
        }
        catch (EntityNotFoundException)
        {
            failures.Add($"Warmup.DefaultPlan names no plan ('{options.DefaultPlan}'); use 'default' or a name of Warmup.Plans.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
