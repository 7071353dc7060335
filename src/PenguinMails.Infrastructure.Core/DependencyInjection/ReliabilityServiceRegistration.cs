using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Reliability;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>Registers the reliability options (transient retry, off by default).</summary>
internal static class ReliabilityServiceRegistration
{
    internal static void AddReliability(IServiceCollection services)
    {
        services.AddOptions<TransientRetryOptions>(); // validated at start with the package's other options (InfraStartupValidator)
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TransientRetryOptions>, TransientRetryOptionsValidator>());
    }

    /// <summary>
    /// Called once when the package's data source is resolved: attaches the transient retry to it when the options
    /// turn it on, so that every PostgreSQL repository built on it retries what is safe to retry.
    /// </summary>
    internal static void AttachTransientRetry(IServiceProvider services, NpgsqlDataSource dataSource)
    {
        var options = services.GetService<IOptions<TransientRetryOptions>>()?.Value;
        if (options is not { Enabled: true })
        {
            return;
        }

        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("PenguinMails.Infrastructure.Core.Reliability.TransientRetry");
        TransientRetry.Attach(dataSource, new TransientRetry(options, logger, services.GetService<TimeProvider>()));
    }

    private sealed class TransientRetryOptionsValidator : IValidateOptions<TransientRetryOptions>
    {
        public ValidateOptionsResult Validate(string? name, TransientRetryOptions options)
        {
            var failures = options.Validate();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
