using Microsoft.Extensions.Options;

namespace PenguinMails.Infrastructure.Core.IpPools;

/// <summary>Settings of <see cref="IpRotationService"/>.</summary>
public sealed class IpRotationOptions
{
    /// <summary>The most due assignments one <see cref="IIpRotationService.RotateAsync"/> call handles. Default 500; 1..10000.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Before expiring a domain's last in-force (active or warming) assignment, allocate a replacement IP in the same
    /// transaction; when none fits, the assignment is kept (not expired) and reported. Default true. When false, due
    /// assignments are expired even if the domain is left without an IP.
    /// </summary>
    public bool ReplaceLastActiveAssignment { get; set; } = true;

    /// <summary>
    /// The lifetime of a replacement assignment; null (the default) for the allocator's
    /// <see cref="IpAllocationOptions.DefaultAssignmentDuration"/>. Positive when set.
    /// </summary>
    public TimeSpan? ReplacementDuration { get; set; }

    /// <summary>Every rule these options break; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (BatchSize is < 1 or > 10_000)
        {
            failures.Add("IpRotation:BatchSize must be between 1 and 10000.");
        }

        if (ReplacementDuration is { } d && d <= TimeSpan.Zero)
        {
            failures.Add("IpRotation:ReplacementDuration must be positive when set.");
        }

        return failures;
    }

    internal IpRotationOptions EnsureValid()
    {
        var failures = Validate();
        return failures.Count == 0 ? this : throw new OptionsValidationException(nameof(IpRotationOptions), typeof(IpRotationOptions), failures);
    }
}
