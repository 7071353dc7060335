namespace PenguinMails.Infrastructure.Core.Tenants;

/// <summary>
/// A row of <c>tenant_config</c>: a tenant's billing link, notification switches and white-label theme. An immutable
/// snapshot; change it with <c>with</c> and write it through a repository.
/// </summary>
public sealed record TenantConfig : IValidatableEntity
{
    /// <summary>The table name.</summary>
    public const string TableName = "tenant_config";

    /// <summary><c>tenant_id</c> UUID PRIMARY KEY REFERENCES tenants(id).</summary>
    public required TenantId TenantId { get; init; }

    /// <summary><c>stripe_customer_id</c> VARCHAR(255): the Stripe customer, <c>cus_</c> followed by letters and digits.</summary>
    public string? StripeCustomerId { get; init; }

    /// <summary><c>billing_email</c> VARCHAR(255): an e-mail address.</summary>
    public string? BillingEmail { get; init; }

    /// <summary><c>billing_address</c> JSONB: see <see cref="Tenants.BillingAddress"/> for the JSON shape.</summary>
    public BillingAddress? BillingAddress { get; init; }

    /// <summary><c>notify_on_billing_changes</c> BOOLEAN DEFAULT FALSE.</summary>
    public bool NotifyOnBillingChanges { get; init; }

    /// <summary><c>notify_on_system_updates</c> BOOLEAN DEFAULT FALSE.</summary>
    public bool NotifyOnSystemUpdates { get; init; }

    /// <summary><c>notify_on_security_alerts</c> BOOLEAN DEFAULT FALSE.</summary>
    public bool NotifyOnSecurityAlerts { get; init; }

    /// <summary><c>theme_primary_color</c> VARCHAR(7): a colour written <c>#RRGGBB</c>.</summary>
    public string? ThemePrimaryColor { get; init; }

    /// <summary><c>theme_logo_url</c> VARCHAR(500): an absolute http or https URL.</summary>
    public string? ThemeLogoUrl { get; init; }

    /// <summary><c>theme_favicon_url</c> VARCHAR(500): an absolute http or https URL.</summary>
    public string? ThemeFaviconUrl { get; init; }

    /// <summary><c>ui_sidebar_default_collapsed</c> BOOLEAN DEFAULT FALSE.</summary>
    public bool UiSidebarDefaultCollapsed { get; init; }

    /// <summary><c>ui_date_format</c> VARCHAR(20): a date format pattern for the UI, one line.</summary>
    public string? UiDateFormat { get; init; }

    /// <summary><c>ui_timezone</c> VARCHAR(50): an IANA time zone id such as <c>Europe/Paris</c>.</summary>
    public string? UiTimezone { get; init; }

    /// <summary><c>created</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on insert.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary><c>updated</c> TIMESTAMP WITH TIME ZONE, UTC; set by the store on every write.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <summary>The configuration of a tenant that has set nothing: the seed's defaults, every optional column NULL.</summary>
    /// <param name="tenantId">The tenant.</param>
    public static TenantConfig Default(TenantId tenantId) => new() { TenantId = tenantId };

    /// <inheritdoc />
    public IReadOnlyList<FieldError> Validate()
    {
        var rules = new FieldRules()
            .NotEmpty("tenant_id", TenantId.Value)
            .StripeCustomerId("stripe_customer_id", StripeCustomerId, 255)
            .Email("billing_email", BillingEmail, 255)
            .Text("theme_primary_color", ThemePrimaryColor, 7, singleLine: true)
            .HexColor("theme_primary_color", ThemePrimaryColor)
            .HttpUrl("theme_logo_url", ThemeLogoUrl, 500)
            .HttpUrl("theme_favicon_url", ThemeFaviconUrl, 500)
            .Text("ui_date_format", UiDateFormat, 20, singleLine: true)
            .IanaTimeZone("ui_timezone", UiTimezone, 50);
        BillingAddress?.AddRules(rules);
        return rules.Errors;
    }
}
