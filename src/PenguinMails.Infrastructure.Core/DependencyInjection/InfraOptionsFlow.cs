using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PenguinMails.Infrastructure.Core.FeatureFlags;
using PenguinMails.Infrastructure.Core.IpPools;
using PenguinMails.Infrastructure.Core.Reliability;
using PenguinMails.Infrastructure.Core.Staff;

namespace PenguinMails.Infrastructure.Core.DependencyInjection;

/// <summary>
/// <see cref="PenguinMailsInfraOptions"/> as configured (every configure and post-configure step) but not validated, so that
/// the nested option objects can flow into their own option types, and be validated there, even when another option of
/// the package is invalid.
/// </summary>
internal sealed class ConfiguredInfraOptions
{
    private readonly Lazy<PenguinMailsInfraOptions> _value;

    public ConfiguredInfraOptions(IEnumerable<IConfigureOptions<PenguinMailsInfraOptions>> setups, IEnumerable<IPostConfigureOptions<PenguinMailsInfraOptions>> postConfigures)
    {
        _value = new(() => new OptionsFactory<PenguinMailsInfraOptions>(setups, postConfigures, []).Create(Options.DefaultName));
    }

    public PenguinMailsInfraOptions Value => _value.Value;
}

/// <summary>
/// The first configure step of <see cref="FeatureFlagOptions"/>: copies <see cref="PenguinMailsInfraOptions.FeatureFlags"/>.
/// Registered ahead of every other step, so an application's <c>Configure&lt;FeatureFlagOptions&gt;</c> wins.
/// </summary>
internal sealed class FeatureFlagOptionsFromInfra(ConfiguredInfraOptions infra) : IConfigureOptions<FeatureFlagOptions>
{
    public void Configure(FeatureFlagOptions options) => Copy(infra.Value.FeatureFlags, options);

    internal static void Copy(FeatureFlagOptions from, FeatureFlagOptions to)
    {
        to.RefreshInterval = from.RefreshInterval;
        to.ListenForChanges = from.ListenForChanges;
        to.MaxReconnectDelay = from.MaxReconnectDelay;
        to.MaxWarnedUnknownKeys = from.MaxWarnedUnknownKeys;
    }
}

/// <summary>
/// The first configure step of <see cref="PermissionCacheOptions"/>: copies <see cref="PenguinMailsInfraOptions.PermissionCache"/>.
/// Registered ahead of every other step, so an application's <c>Configure&lt;PermissionCacheOptions&gt;</c> wins.
/// </summary>
internal sealed class PermissionCacheOptionsFromInfra(ConfiguredInfraOptions infra) : IConfigureOptions<PermissionCacheOptions>
{
    public void Configure(PermissionCacheOptions options) => Copy(infra.Value.PermissionCache, options);

    internal static void Copy(PermissionCacheOptions from, PermissionCacheOptions to)
    {
        to.TimeToLive = from.TimeToLive;
        to.ListenForChanges = from.ListenForChanges;
        to.ListenReconnectDelay = from.ListenReconnectDelay;
    }
}

/// <summary>The options type whose start-up validation stands for all of the package's options.</summary>
internal sealed class InfraStartupValidation;

/// <summary>
/// Validates <see cref="PenguinMailsInfraOptions"/>, <see cref="FeatureFlagOptions"/>, <see cref="PermissionCacheOptions"/>
/// and the IP pool options (<see cref="IpAllocationOptions"/>, <see cref="IpRotationOptions"/>, <see cref="WarmupOptions"/>,
/// <see cref="ReputationPolicyOptions"/>) and <see cref="TransientRetryOptions"/> together when the host starts, and throws one <see cref="OptionsValidationException"/>
/// listing every failure of all of them (the host would otherwise report one exception per options type, wrapped in an
/// <see cref="AggregateException"/>).
/// </summary>
internal sealed class InfraStartupValidator(
    IOptions<PenguinMailsInfraOptions> infra,
    IOptions<FeatureFlagOptions> featureFlags,
    IOptions<PermissionCacheOptions> permissionCache,
    IOptions<IpAllocationOptions> ipAllocation,
    IOptions<IpRotationOptions> ipRotation,
    IOptions<WarmupOptions> warmup,
    IOptions<ReputationPolicyOptions> reputationPolicy,
    IOptions<TransientRetryOptions> transientRetry
) : IValidateOptions<InfraStartupValidation>
{
    public ValidateOptionsResult Validate(string? name, InfraStartupValidation options)
    {
        var failures = new List<string>();
        Collect(infra, failures);
        Collect(featureFlags, failures);
        Collect(permissionCache, failures);
        Collect(ipAllocation, failures);
        Collect(ipRotation, failures);
        Collect(warmup, failures);
        Collect(reputationPolicy, failures);
        Collect(transientRetry, failures);
        return failures.Count == 0
            ? ValidateOptionsResult.Success
            : throw new OptionsValidationException(Options.DefaultName, typeof(PenguinMailsInfraOptions), failures);
    }

    private static void Collect<T>(IOptions<T> options, List<string> failures)
        where T : class
    {
        try
        {
            _ = options.Value;
        }
        catch (OptionsValidationException ex)
        {
            failures.AddRange(ex.Failures);
        }
    }
}

/// <summary>
/// Runs <see cref="InfraStartupValidator"/> when the host builds its hosted services. The host resolves every hosted
/// service before it starts any, and some of the package's hosted services read their options when they are built; this
/// one is registered ahead of them, so a host with invalid options fails with the one exception listing every failure
/// instead of the first options type that happened to be read.
/// </summary>
internal sealed class InfraOptionsStartupCheck : IHostedService
{
    public InfraOptionsStartupCheck(IOptions<InfraStartupValidation> validation) => _ = validation.Value;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
