namespace PenguinMails.Infrastructure.Core.SystemConfig;

/// <summary>Well-known <c>system_config.key</c> values.</summary>
public static class SystemConfigKeys
{
    /// <summary><c>stripe_account_id</c>: the platform's Stripe account id (store it with <c>is_sensitive</c> set).</summary>
    public const string StripeAccountId = "stripe_account_id";
}
