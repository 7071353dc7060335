using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.Assignments;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.SmtpIps;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>Registers the IP pool policies: warmup, reputation policy and the tenant cost report.</summary>
internal static class IpPoolPoliciesServiceRegistration
{
    /// <summary>
    /// Adds <see cref="WarmupOptions"/> and <see cref="ReputationPolicyOptions"/> (validated at start; configure them
    /// with <c>services.Configure&lt;…&gt;(...)</c>), <see cref="IWarmupService"/>, <see cref="IReputationPolicyService"/>
    /// and <see cref="ITenantCostReport"/> (PostgreSQL, or the store override's).
    /// </summary>
    internal static void AddIpPoolPolicies(IServiceCollection services)
    {
        services.AddOptions<WarmupOptions>(); // validated at start with the package's other options (InfraStartupValidator)
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WarmupOptions>, WarmupOptionsValidator>());
        services.AddOptions<ReputationPolicyOptions>(); // validated at start with the package's other options (InfraStartupValidator)
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReputationPolicyOptions>, ReputationPolicyOptionsValidator>());

        services.TryAddSingleton<IWarmupService>(sp => new WarmupService(
            sp.GetRequiredService<ISmtpIpAddressRepository>(),
            sp.GetRequiredService<IDomainIpAssignmentRepository>(),
            sp.GetRequiredService<IOptions<WarmupOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<WarmupService>>()));
        services.TryAddSingleton<IReputationPolicyService>(sp => new ReputationPolicyService(
            sp.GetRequiredService<ISmtpIpAddressRepository>(),
            sp.GetRequiredService<IOptions<ReputationPolicyOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ReputationPolicyService>>()));
        services.TryAddSingleton<ITenantCostReport>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PenguinMailsInfraOptions>>().Value;
            if (!options.UsesPostgres)
            {
                return sp.GetKeyedService<ITenantCostReport>(StoreOverrideServices.Key)
                    ?? throw new InvalidOperationException(
                        "The store chosen in AddPenguinMailsInfra registers no ITenantCostReport; register one, or use UseInMemoryStore from the Testing package.");
            }

            var infra = sp.GetRequiredService<InfraDataSource>();
            // The cost report is a read documented as safe to be stale: on a standby when Replicas.BackgroundReadsFromStandby is set.
            var route = infra.BackgroundReadsFromStandby ? infra.StandbyReads!.Standby : infra.DataSource;
            return new NpgsqlTenantCostReport(route, infra.Schema, sp.GetRequiredService<TimeProvider>());
        });
    }
}
