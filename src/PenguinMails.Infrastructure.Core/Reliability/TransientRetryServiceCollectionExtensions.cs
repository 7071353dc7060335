using Microsoft.Extensions.DependencyInjection;

namespace PenguinMails.Infrastructure.Core.Reliability;

/// <summary>Turns on the optional transient retry of the PostgreSQL repositories.</summary>
public static class TransientRetryServiceCollectionExtensions
{
    /// <summary>
    /// Turns on the retry of transient failures for the repositories registered by <c>AddPenguinMailsInfra</c> (reads,
    /// and writes that certainly did not reach the database; see <see cref="TransientRetryOptions"/>). Equivalent to
    /// configuring <see cref="TransientRetryOptions"/> with <see cref="TransientRetryOptions.Enabled"/> true; may be
    /// called before or after <c>AddPenguinMailsInfra</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Further settings (attempts, delays), or null for the defaults.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddPenguinMailsInfraTransientRetry(this IServiceCollection services, Action<TransientRetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TransientRetryOptions>().Configure(o =>
        {
            o.Enabled = true;
            configure?.Invoke(o);
        });
        return services;
    }
}
