using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>Adds the package's health check to ASP.NET Core / generic-host health checks.</summary>
/// <remarks>
/// <see cref="PenguinMailsInfraBuilder.AddHealthCheck"/> calls this; call it directly on a health checks builder of
/// your own.
/// </remarks>
public static class PenguinMailsInfraHealthChecksBuilderExtensions
{
    /// <summary>The default name of the check.</summary>
    public const string DefaultName = "penguinmails-infra";

    /// <summary>Adds <see cref="PenguinMailsInfraHealthCheck"/> (database reachable, schema version as expected).</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags for filtering, for example <c>ready</c>.</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddPenguinMailsInfra(this IHealthChecksBuilder builder, string name = DefaultName, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(CreateRegistration(name, tags));
    }

    internal static HealthCheckRegistration CreateRegistration(string name, IEnumerable<string>? tags) =>
        new(name, CreateCheck, HealthStatus.Unhealthy, tags ?? []);

    private static PenguinMailsInfraHealthCheck CreateCheck(IServiceProvider services) =>
        ActivatorUtilities.GetServiceOrCreateInstance<PenguinMailsInfraHealthCheck>(services);
}
