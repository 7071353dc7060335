using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PenguinMails.Infrastructure.Core.Postgres;
using PenguinMails.Infrastructure.Core.Postgres.Internal;

namespace PenguinMails.Infrastructure.Core.DependencyInjection.Internal;

/// <summary>Registers the IP pool policies: warmup, reputation policy and the tenant cost report.</summary>
internal static class IpPoolPoliciesServiceRegistration
{
    /// <summary>
    /// Adds <see cref="IWarmupService"/> and <see cref="IReputationPolicyService"/>, with the options of
    /// <see cref="PenguinMailsInfraOptions.Warmup"/> and <see cref="PenguinMailsInfraOptions.ReputationPolicy"/>. The
    /// <see cref="ITenantCostReport"/> is the store's (<see cref="CreatePostgresCostReport"/>, or the in-memory store's).
    /// </summary>
    internal static void AddIpPoolPolicies(IServiceCollection services)
    {
        services.TryAddSingleton<IWarmupService>(sp => new WarmupService(
            sp.GetRequiredService<ISmtpIpAddressRepository>(),
            sp.GetRequiredService<IDomainIpAssignmentRepository>(),
            InfraRegistration.Options(sp).Warmup,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<WarmupService>>()));
        services.TryAddSingleton<IReputationPolicyService>(sp => new ReputationPolicyService(
            sp.GetRequiredService<ISmtpIpAddressRepository>(),
            InfraRegistration.Options(sp).ReputationPolicy,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<ReputationPolicyService>>()));
    }

    /// <summary>The PostgreSQL store's cost report.</summary>
    internal static ITenantCostReport CreatePostgresCostReport(IServiceProvider sp)
    {
        var infra = sp.GetRequiredService<InfraDataSource>();
        // The cost report is a read documented as safe to be stale: on a standby when Replicas.BackgroundReadsFromStandby is set.
        var route = infra.BackgroundReadsFromStandby ? infra.StandbyReads!.Standby : infra.DataSource;
        return new NpgsqlTenantCostReport(new PgExecutor(route, infra.Schema, retry: infra.Retry), sp.GetRequiredService<TimeProvider>());
    }
}
